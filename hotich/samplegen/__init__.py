"""Synthetic ledger pages with ground truth (``hotich samples``).

``generate(OUT, pages=12, seed=0, difficulty="clean", dpi=300)`` writes
``OUT/<commune>/<book>/<page file>`` with ``P.gt.json`` beside each page file, as
shared/CONTRACT.md describes: books of the birth, marriage and death registers (``khai_sinh``,
``ket_hon``, ``khai_tu``; ``registers=`` picks some), one-entry form pages (A4) and multi-entry
table spreads (A3), in PNG, JPEG, TIFF and PDF, clean or aged, with a share of entries made
deliberately inconsistent (``_inconsistent``), byte-identical for the same arguments.
"""

from hotich.samplegen.generator import GenerationReport, generate

__all__ = ["GenerationReport", "generate"]
