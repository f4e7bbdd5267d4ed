"""The progress bar behind a small protocol, with a null version for library use and tests."""

from __future__ import annotations

import sys
from typing import Never, Protocol

from tqdm import tqdm

from hotich.i18n import t


class Progress(Protocol):
    def start(self, total: int) -> None: ...

    def advance(self, label: str) -> None: ...

    def close(self) -> None: ...


class NullProgress:
    def start(self, total: int) -> None:
        pass

    def advance(self, label: str) -> None:
        pass

    def close(self) -> None:
        pass


class TqdmProgress:
    """A bar on stderr with pages done, pages per minute and the time left."""

    def __init__(self) -> None:
        self._bar: tqdm[Never] | None = None

    def start(self, total: int) -> None:
        self._bar = tqdm(
            total=total,
            unit=t("progress.unit"),
            desc=t("progress.desc"),
            file=sys.stderr,
            dynamic_ncols=True,
            smoothing=0.1,
            bar_format="{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} "
            "[{elapsed}<{remaining}{postfix}]",
        )

    def advance(self, label: str) -> None:
        if self._bar is None:
            return
        self._bar.update(1)
        elapsed = self._bar.format_dict.get("elapsed", 0.0) or 0.0
        if elapsed > 0:
            rate = self._bar.n * 60.0 / float(elapsed)
            self._bar.set_postfix_str(t("progress.rate", rate=f"{rate:.1f}"), refresh=False)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
