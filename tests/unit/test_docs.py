"""The docs stay true: the Python example runs, the configuration table lists every variable
and the event catalogue every event with its handlers."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from entrypoints.settings import VARIABLES

ROOT = Path(__file__).parents[2]
DOCS = ROOT / "docs"


def test_the_use_the_core_from_python_example_runs() -> None:
    page = (DOCS / "embedding.md").read_text()
    example = re.search(r"```python\n(.*?)```", page, re.S)
    assert example is not None
    done = subprocess.run(
        [sys.executable, "-c", example.group(1)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Ada Lovelace is signed in for 900 s"


def test_every_variable_is_in_the_configuration_table() -> None:
    page = (DOCS / "configuration.md").read_text()
    documented = set(re.findall(r"^\| `(ALORA_[A-Z0-9_]+)` \|", page, re.M))
    assert documented == {variable.name for variable in VARIABLES}


def test_every_event_is_in_the_catalogue_with_its_handlers() -> None:
    from alora_core.shared.events import event_names
    from entrypoints.bootstrap import build_in_memory

    alora = build_in_memory()  # imports every context, so every event class is registered
    page = (DOCS / "events.md").read_text()
    catalogue = page.split("## The event catalogue", 1)[1].split("\n## ", 1)[0]
    rows = dict(re.findall(r"^\| `([a-z_]+\.[a-z_]+)` \|.*\| (.*) \|$", catalogue, re.M))
    assert set(rows) == set(event_names())
    for name, handlers in rows.items():
        documented = set(re.findall(r"`([a-z_]+\.[a-z_0-9]+)`", handlers))
        assert documented == set(alora.subscriptions.handlers_for(name)), name
