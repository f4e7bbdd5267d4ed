"""Border cropping and paper whitening: what lies outside the sheet goes, the writing stays."""

from __future__ import annotations

import numpy as np

from hotich.pipeline.border import whiten_border
from hotich.pipeline.preprocess import stretch_contrast


def _desk(height: int = 1200, width: int = 900) -> np.ndarray:
    rng = np.random.default_rng(3)
    return rng.integers(30, 70, (height, width)).astype(np.uint8)  # dark, speckled desk


def test_the_desk_around_a_sheet_is_whitened_and_the_writing_on_it_kept() -> None:
    page = _desk()
    page[100:1100, 120:800] = 225  # the sheet
    page[300:330, 200:500] = 40  # a line of writing
    page[360:366, 210:216] = 40  # a lone dot (a diacritic)
    out, cropped = whiten_border(page)
    assert cropped
    assert (out[:80] == 255).all() and (out[:, :100] == 255).all() and (out[:, 820:] == 255).all()
    assert (out[300:330, 200:500] == 40).all()
    assert (out[360:366, 210:216] == 40).all()


def test_a_scan_the_sheet_fills_is_left_alone() -> None:
    page = np.full((1000, 800), 230, np.uint8)
    page[300:330, 200:500] = 40
    out, cropped = whiten_border(page)
    assert not cropped
    assert out is page


def test_both_pages_of_a_spread_and_the_gutter_between_them_are_kept() -> None:
    page = _desk(1000, 1700)
    page[80:920, 60:830] = 225  # left page
    page[80:920, 870:1640] = 225  # right page
    page[80:920, 830:870] = 90  # the gutter's shadow
    page[400:430, 700:1000] = 40  # a table rule crossing the gutter
    out, cropped = whiten_border(page)
    assert cropped
    assert (out[400:430, 700:1000] == 40).all()
    assert (out[400:430, 840:860] == 40).all()
    assert (out[:50] == 255).all()


def test_stretching_whitens_grainy_paper_and_darkens_faded_ink() -> None:
    rng = np.random.default_rng(5)
    page = rng.normal(205, 8, (400, 400)).clip(0, 255).astype(np.uint8)  # grainy, yellowed
    page[100:110, 50:350] = 150  # faded stroke
    page[130:134, 60:64] = 150  # a faded dot
    out = stretch_contrast(page)
    paper = np.ones(page.shape, bool)
    paper[90:140, 40:360] = False
    assert np.median(out[paper]) == 255
    assert out[100:110, 50:350].max() < 120
    assert out[130:134, 60:64].max() < 120  # the dot survives, darker


def test_a_clean_white_page_is_not_changed_by_stretching() -> None:
    page = np.full((200, 200), 255, np.uint8)
    page[50:60, 20:180] = 0
    assert stretch_contrast(page) is page
