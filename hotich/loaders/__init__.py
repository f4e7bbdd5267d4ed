"""What leaves the database: exports (JSONL, CSV), progress reports, 158 staging packages
(``stage*.py``, ``manifest.py``, ``receipt.py``)."""
