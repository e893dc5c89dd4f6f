"""The docs stay true: the Python example runs, the configuration tables are the variables,
the event catalogue every event with its handlers, every relative link leads somewhere and
every ``ALORA_*`` name is a real variable."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from entrypoints.settings import variables

ROOT = Path(__file__).parents[2]
DOCS = ROOT / "docs"
PAGES = [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]

FENCE = re.compile(r"^```.*?^```", re.M | re.S)
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6} (.+)$", re.M)
VARIABLE = re.compile(r"ALORA_[A-Z0-9_]+")


def prose(page: Path) -> str:
    """The page without its fenced code blocks."""
    return FENCE.sub("", page.read_text())


def anchors(page: Path) -> set[str]:
    """The anchors GitHub gives the page's headings: lower case, punctuation dropped, spaces
    as hyphens, and ``-1``, ``-2`` ... after a repeated heading."""
    found: set[str] = set()
    for heading in HEADING.findall(prose(page)):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        unique, repeat = slug, 0
        while unique in found:
            repeat += 1
            unique = f"{slug}-{repeat}"
        found.add(unique)
    return found


def test_the_use_the_core_from_python_example_runs() -> None:
    page = (DOCS / "embedding.md").read_text()
    example = re.search(r"```python\n(.*?)```", page, re.S)
    assert example is not None
    done = subprocess.run(
        [sys.executable, "-c", example.group(1)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Ada Lovelace is signed in for 900 s"


def test_the_configuration_tables_are_the_variables_the_code_reads() -> None:
    page = (DOCS / "configuration.md").read_text()
    rows = {
        name: (default, meaning)
        for name, default, meaning in re.findall(
            r"^\| `(ALORA_[A-Z0-9_]+)` \| (.*?) \| (.*) \|$", page, re.M
        )
    }
    code = {variable.name: variable for variable in variables()}
    assert set(rows) == set(code)
    for name, (default, meaning) in rows.items():
        variable = code[name]
        assert meaning == variable.help, name
        if variable.default is not None:
            assert default == (f"`{variable.default}`" if variable.default else "(empty)"), name


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


def test_every_relative_link_points_at_a_file_and_heading() -> None:
    broken = []
    for page in PAGES:
        for target in LINK.findall(prose(page)):
            if re.match(r"[a-z]+:", target):  # https:, mailto: ...
                continue
            path, _, anchor = target.partition("#")
            linked = (page.parent / path).resolve() if path else page
            where = f"{page.relative_to(ROOT)}: {target}"
            if not linked.is_relative_to(ROOT) or not linked.exists():
                broken.append(f"{where} (no such file)")
            elif anchor and (linked.suffix != ".md" or anchor not in anchors(linked)):
                broken.append(f"{where} (no such heading)")
    assert not broken, "\n".join(broken)


TEST_VARIABLES = {"ALORA_REQUIRE_SERVICES", "ALORA_TEST_POSTGRES_URL", "ALORA_TEST_REDIS_URL"}
"""Read by the tests (``tests/conftest.py``), not by Alora."""


def test_every_variable_named_in_the_docs_exists() -> None:
    real = {variable.name for variable in variables()} | TEST_VARIABLES
    unknown = set()
    for page in PAGES:
        text = page.read_text()
        for found in VARIABLE.finditer(text):
            name = found.group()
            if text.startswith(("<", "*"), found.end()):  # ALORA_CRON_<JOB>, ALORA_WS_*
                known = any(variable.startswith(name) for variable in real)
            else:
                known = name in real
            if not known:
                unknown.add(f"{page.relative_to(ROOT)}: {name}")
    assert not unknown, sorted(unknown)
