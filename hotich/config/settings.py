"""Run-time settings from the environment (``HOTICH_*``), frozen once read."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

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
    ocr_figures_lang: Annotated[
        str,
        Field(
            description="Tesseract model for the second reading of figures (numbers, dates, "
            "ID numbers); empty = no second reading"
        ),
    ] = "eng"
    ocr_reread_cells: Annotated[
        bool,
        Field(description="Read again, on their own, table cells where ink was left unread"),
    ] = True
    ocr_timeout_s: Annotated[float, Field(gt=0, description="Tesseract time limit per call")] = 180
    pdf_dpi: Annotated[int, Field(ge=72, le=1200, description="PDF rendering resolution")] = 300
    max_page_pixels: Annotated[
        int, Field(gt=0, description="decompression-bomb guard: largest page, in pixels")
    ] = 150_000_000
    min_page_side: Annotated[int, Field(ge=1, description="smallest page side in pixels")] = 200
    page_image_dir: Annotated[
        str, Field(description="where stored (deskewed) page images go; empty = beside the db")
    ] = ""
    name_tone_style: Annotated[
        Literal["keep", "old", "new"],
        Field(description="tone marks in names: keep as written, old (hoà, thuỷ), new (hòa)"),
    ] = "keep"
    user: Annotated[
        str,
        Field(description="who runs the commands (bulk approvals, packages); empty = OS login"),
    ] = ""
    deadline: Annotated[
        date | None,
        Field(description="digitization deadline (YYYY-MM-DD) the progress report checks against"),
    ] = None
    password_min_length: Annotated[
        int, Field(ge=8, le=256, description="review app: shortest password accepted")
    ] = 12
    lockout_threshold: Annotated[
        int, Field(ge=1, description="review app: failed logins in a row that lock an account")
    ] = 5
    lockout_minutes: Annotated[
        float, Field(gt=0, description="review app: how long a locked account stays locked")
    ] = 15
    session_hours: Annotated[
        float, Field(gt=0, description="review app: a login ends this long after it began")
    ] = 8
    session_idle_minutes: Annotated[
        float, Field(gt=0, description="review app: a login ends after this long unused")
    ] = 30
    mfa_roles: Annotated[
        str, Field(description="review app: roles needing a second factor (TOTP), comma-separated")
    ] = "admin,reviewer"


def get_settings() -> Settings:
    return Settings()
