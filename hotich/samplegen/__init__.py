"""Synthetic ledger pages with ground truth (``hotich samples``).

``generate(OUT, pages=12, seed=0, difficulty="clean", dpi=300)`` writes
``OUT/<commune>/<book>/<page file>`` with ``P.gt.json`` beside each page file, as
shared/CONTRACT.md describes: one-entry form pages (A4) and multi-entry table spreads (A3),
in PNG, JPEG, TIFF and PDF, clean or aged, byte-identical for the same arguments.
"""

from hotich.samplegen.generator import GenerationReport, generate

__all__ = ["GenerationReport", "generate"]
