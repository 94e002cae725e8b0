"""The core imports nothing from discord: it can be used and tested without it."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO


def test_core_modules_do_not_import_discord() -> None:
    core = REPO / "bot" / "core"
    modules = [
        "bot.core.curation",
        "bot.core.store",
        *(f"bot.core.{path.stem}" for path in core.glob("*.py")),
    ]
    code = f"import sys; import {', '.join(modules)}; print('discord' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert result.stdout.strip() == "False"
