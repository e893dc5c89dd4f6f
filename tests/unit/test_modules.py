"""The registry of context modules: every reference resolves, and the generic files name no
context (a context belongs in its module and the registry)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from entrypoints.modules import MODULES, REGISTRY, load_modules
from entrypoints.modules.base import resolve

ROOT = Path(__file__).parents[2]

GENERIC_FILES = [
    "src/entrypoints/bootstrap.py",
    "src/entrypoints/composition.py",
    "src/entrypoints/jobs_wiring.py",
    "src/entrypoints/http/app.py",
    "src/entrypoints/scheduler.py",
    "src/entrypoints/http/problems.py",
    "src/entrypoints/http/realtime/gateway.py",
    "src/entrypoints/http/realtime/session.py",
    "src/entrypoints/http/realtime/subscriptions.py",
    "src/entrypoints/http/realtime/hub.py",
    "src/entrypoints/http/realtime/protocol.py",
    "src/entrypoints/settings.py",
    "src/entrypoints/platform_variables.py",
    "src/entrypoints/cli/main.py",
    "src/entrypoints/cli/seed.py",
    "src/entrypoints/migrations.py",
    "src/adapters/sqlalchemy/uow.py",
    "src/adapters/memory/uow.py",
    "src/adapters/memory/store.py",
    "src/adapters/sqlalchemy/database.py",
    "src/adapters/sqlalchemy/migrate.py",
]
CONTEXT_WORDS = re.compile(
    r"booking|review|favorite|professional|faq|feedback|contact|about|conversation|conference",
    re.IGNORECASE,
)
ISSUE_GREP = "booking|review|favorite|professional|faq|feedback|contact|about"


def test_every_registry_name_has_its_module_in_order() -> None:
    assert [module.name for module in MODULES] == list(REGISTRY)


def test_a_registry_name_without_a_module_is_an_error_at_start_up() -> None:
    with pytest.raises(LookupError, match="no module"):
        load_modules(("identity", "no_such_context"))


@pytest.mark.parametrize("module", MODULES, ids=lambda module: module.name)
def test_every_reference_of_every_module_resolves(module: object) -> None:
    from adapters.sqlalchemy.database import import_tables

    for name in ("sql_unit_of_work", "memory_unit_of_work", "routes", "statistics", "cli", "seed"):
        reference = getattr(module, name)
        if reference is not None:
            assert resolve(reference) is not None, (name, reference)
    import_tables(module.tables)


def test_a_misspelt_table_module_is_an_error() -> None:
    from adapters.sqlalchemy.database import import_tables

    with pytest.raises(LookupError, match="table module"):
        import_tables(["adapters.sqlalchemy.no_such_context"])


def test_the_generic_files_name_no_context() -> None:
    named = [
        f"{path}:{number}: {line.strip()}"
        for path in GENERIC_FILES
        for number, line in enumerate((ROOT / path).read_text().splitlines(), 1)
        if CONTEXT_WORDS.search(line)
    ]
    assert named == []


def test_git_grep_finds_no_context_in_the_generic_files() -> None:
    done = subprocess.run(
        ["git", "grep", "-n", "-i", "-E", ISSUE_GREP, "--", *GENERIC_FILES],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.stdout == ""
