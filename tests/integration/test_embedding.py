"""A program that embeds Alora: the example books a professional in memory from a fresh
virtualenv, passes ``mypy --strict`` there, and never imports Litestar or SQLAlchemy."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "book_in_memory.py"
PRINTED = re.compile(r"Ada booked Dan for \w+ \d\d:\d\d \(Europe/Berlin\): confirmed")
IMPORTS = """
import runpy, sys
runpy.run_path(sys.argv[1], run_name="__main__")
print(sorted({name.split(".")[0] for name in sys.modules} & {"litestar", "sqlalchemy"}))
"""


def run(*command: str | Path, cwd: Path) -> str:
    done = subprocess.run(
        [str(part) for part in command], cwd=cwd, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_the_example_books_a_professional_from_a_fresh_virtualenv(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    run(python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", ROOT, "mypy",
        cwd=tmp_path)  # fmt: skip
    script = shutil.copy(EXAMPLE, tmp_path / EXAMPLE.name)  # away from the project's config

    printed = run(python, "-c", IMPORTS, script, cwd=tmp_path).splitlines()
    assert PRINTED.fullmatch(printed[0]), printed
    assert printed[1] == "[]"  # neither Litestar nor SQLAlchemy was imported
    run(venv / "bin" / "mypy", "--strict", script, cwd=tmp_path)
