"""Numbers and dates as the reader's language writes them (``report.num.*`` in the catalog).

Vietnamese groups thousands with "." and writes decimals with "," ("642.806", "44,5 %",
"31/12/2024"); English uses "," and "." ("642,806", "44.5%", "2024-12-31"). Used where people
read the figures (the terminal table, the HTML report); CSV, JSON and XLSX keep plain numbers.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from hotich.i18n import t


def rounded(value: float, places: int = 1) -> float:
    """``value`` rounded half away from zero, as people round (0.25 → 0.3, not 0.2)."""
    step = Decimal(1).scaleb(-places)
    return float(Decimal(repr(value)).quantize(step, rounding=ROUND_HALF_UP))


def integer(value: int) -> str:
    """``1443893`` → ``1.443.893`` (vi) or ``1,443,893`` (en)."""
    return f"{value:,}".replace(",", t("report.num.thousands"))


def decimal(value: float, places: int = 1) -> str:
    """``44.5`` → ``44,5`` (vi) or ``44.5`` (en), with thousands grouped."""
    text = f"{rounded(value, places):,.{places}f}"
    whole, _, fraction = text.partition(".")
    whole = whole.replace(",", t("report.num.thousands"))
    return f"{whole}{t('report.num.decimal')}{fraction}" if fraction else whole


def percent(value: float) -> str:
    """``44.5`` (already a percentage) → ``44,5 %`` (vi) or ``44.5%`` (en)."""
    return t("report.num.percent", value=decimal(value, 1))


def day(value: date) -> str:
    """``2024-12-31`` → ``31/12/2024`` (vi) or ``2024-12-31`` (en)."""
    return t(
        "report.num.date",
        day=f"{value.day:02d}",
        month=f"{value.month:02d}",
        year=f"{value.year:04d}",
    )
