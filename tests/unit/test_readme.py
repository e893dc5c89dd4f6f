"""The README stays true: its Python example runs and its table lists every variable."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from entrypoints.settings import VARIABLES

README = (Path(__file__).parents[2] / "README.md").read_text()


def test_the_use_the_core_from_python_example_runs() -> None:
    section = README.split("## Use the core from Python", 1)[1]
    example = re.search(r"```python\n(.*?)```", section, re.S)
    assert example is not None
    done = subprocess.run(
        [sys.executable, "-c", example.group(1)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Ada Lovelace is signed in for 900 s"


def test_every_variable_is_in_the_configuration_table() -> None:
    table = README.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `(ALORA_[A-Z0-9_]+)` \|", table, re.M))
    assert documented == {variable.name for variable in VARIABLES}


def test_every_event_is_in_the_catalogue_with_its_handlers() -> None:
    from alora_core.shared.events import event_names
    from entrypoints.bootstrap import build_in_memory

    alora = build_in_memory()  # imports every context, so every event class is registered
    section = README.split("### Events and the outbox", 1)[1].split("\n### ", 1)[0]
    rows = dict(re.findall(r"^\| `([a-z_]+\.[a-z_]+)` \|.*\| (.*) \|$", section, re.M))
    assert set(rows) == set(event_names())
    for name, handlers in rows.items():
        documented = set(re.findall(r"`([a-z_]+\.[a-z_0-9]+)`", handlers))
        assert documented == set(alora.subscriptions.handlers_for(name)), name
