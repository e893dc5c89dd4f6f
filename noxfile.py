"""Developer and CI tasks: ``nox -s tests``, ``nox -s unit``, ``nox -s lint``, ``nox -s serve``,
``nox -s demo``, ``nox -s bench``, and ``nox -s alora -- COMMAND`` for the ``alora`` command.

Sessions run in virtualenvs made with the interpreter nox runs on (``python=None``) and reused
between runs. Arguments after ``--`` go to the session's main command, e.g.
``nox -s tests -- tests/unit -x`` or ``nox -s serve -- --port 9000``.
"""

from __future__ import annotations

import os
import shutil
import sys

import nox

nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["lint", "tests"]

QUIET = ("--quiet", "--disable-pip-version-check")


@nox.session(python=None)
def serve(session: nox.Session) -> None:
    """Migrate the configured database to head and run the API."""
    session.install(*QUIET, "-e", ".")
    session.run("alora", "db", "upgrade")
    _become(session, "alora", "serve", *session.posargs)


@nox.session(python=None)
def demo(session: nox.Session) -> None:
    """As ``serve``, with the demo marketplace seeded first (``alora seed demo``; idempotent)."""
    session.install(*QUIET, "-e", ".")
    session.run("alora", "db", "upgrade")
    session.run("alora", "seed", "demo")
    _become(session, "alora", "serve", *session.posargs)


@nox.session(python=None)
def alora(session: nox.Session) -> None:
    """The ``alora`` command, installed: ``nox -s alora -- users create-admin --email ...``."""
    session.install(*QUIET, "-e", ".")
    session.run("alora", *session.posargs)


def _become(session: nox.Session, *command: str) -> None:
    """Replace this nox process with ``command`` (the session's last one), so that a signal
    sent to nox (a supervisor's or an IDE's SIGTERM) reaches the server: run as a child, it
    would be left serving on its port when nox died."""
    env = {**os.environ, **{k: v for k, v in session.env.items() if v is not None}}
    env["PATH"] = os.pathsep.join([*(session.bin_paths or []), env.get("PATH", "")])
    executable = shutil.which(command[0], path=env["PATH"])
    if executable is None:
        session.error(f"{command[0]} is not installed in this session")
    session.log(" ".join(command))
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(executable, list(command), env)  # noqa: S606 (the point: no child process)


@nox.session(python=None)
def tests(session: nox.Session) -> None:
    """Every test, on as many processes as the machine has cores (PostgreSQL/Redis tests need
    ALORA_REQUIRE_SERVICES=1 in CI). ``nox -s tests -- -n 0`` runs them in this process."""
    session.install(*QUIET, "-e", ".[test]")
    session.run("pytest", "-n", "auto", *session.posargs)


@nox.session(python=None)
def unit(session: nox.Session) -> None:
    """The fast tests: the core's rules and every context's suite in memory (no database, no
    Redis, no HTTP app)."""
    session.install(*QUIET, "-e", ".[test]")
    session.run("pytest", "-n", "auto", "-m", "memory", *session.posargs)


@nox.session(python=None)
def lint(session: nox.Session) -> None:
    """ruff (lint and format), mypy and the import-linter layer contracts."""
    session.install(*QUIET, "-e", ".[lint,test]")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")
    session.run("lint-imports")


@nox.session(python=None)
def bench(session: nox.Session) -> None:
    """Benchmarks reporting ratios measured in one run (not tests; never asserted)."""
    session.install(*QUIET, "-e", ".[test]")
    session.run("python", "-m", "bench", *session.posargs)
