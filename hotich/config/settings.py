"""Run-time settings from the environment (``HOTICH_*``), frozen once read."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HOTICH_", frozen=True, extra="ignore")

    db: Annotated[str, Field(description="SQLAlchemy URL of the database")] = "sqlite:///hotich.db"
    lang: Annotated[str, Field(description="language of messages: vi or en")] = "vi"
    review_threshold: Annotated[
        float, Field(ge=0.0, le=1.0, description="fields at or above are auto-accepted")
    ] = 0.9
    ocr_lang: Annotated[str, Field(description="Tesseract language model(s)")] = "vie"
    ocr_timeout_s: Annotated[float, Field(gt=0, description="Tesseract time limit per call")] = 180
    pdf_dpi: Annotated[int, Field(ge=72, le=1200, description="PDF rendering resolution")] = 300
    max_page_pixels: Annotated[
        int, Field(gt=0, description="decompression-bomb guard: largest page, in pixels")
    ] = 150_000_000
    min_page_side: Annotated[int, Field(ge=1, description="smallest page side in pixels")] = 200
    page_image_dir: Annotated[
        str, Field(description="where stored (deskewed) page images go; empty = beside the db")
    ] = ""


def get_settings() -> Settings:
    return Settings()
