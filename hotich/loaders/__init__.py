"""What leaves the database: exports (JSONL, CSV), progress reports; 158 staging packages later."""
