"""A malformed HOTICH_* variable is a plain bad-input error naming it, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_malformed_setting_exits_2_naming_the_variable(tmp_path: Path) -> None:
    env = {**os.environ, "HOTICH_LANG": "en", "HOTICH_REVIEW_THRESHOLD": "abc"}
    done = subprocess.run(
        [sys.executable, "-m", "hotich", "report", "--db", f"sqlite:///{tmp_path / 'h.db'}"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "HOTICH_REVIEW_THRESHOLD" in done.stderr
    assert "Traceback" not in done.stderr
