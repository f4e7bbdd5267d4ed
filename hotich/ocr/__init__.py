"""OCR engines behind one protocol; Tesseract (vie) is the default."""

from hotich.ocr.engine import CrashingEngine, NullEngine, OcrEngine
from hotich.ocr.tesseract import TesseractEngine

__all__ = ["CrashingEngine", "NullEngine", "OcrEngine", "TesseractEngine"]
