"""Where the CPU went during a measurement: per process group, by command name, machine-wide.

Read from ``/proc`` (Linux); elsewhere every figure is ``None``. A ``CpuSample`` is taken at the
start and at the end of a window; ``CpuSample.share`` turns two of them into the share of one
CPU each part used on average (1.0 = one core fully busy).
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from attrs import frozen

_PROC = Path("/proc")
_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _process_ticks(entry: Path) -> tuple[str, int, int] | None:
    """``(command name, process group, user + system ticks)`` of ``/proc/<pid>``."""
    try:
        raw = (entry / "stat").read_text()
    except OSError:
        return None
    name = raw[raw.index("(") + 1 : raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2 :].split()
    # After the name: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
    # utime stime ...
    return name, int(fields[2]), int(fields[11]) + int(fields[12])


def _machine_ticks() -> tuple[int, int] | None:
    """``(busy, total)`` ticks of every CPU, from the first line of ``/proc/stat``."""
    try:
        first = (_PROC / "stat").read_text().splitlines()[0].split()
    except (OSError, IndexError):
        return None
    values = [int(v) for v in first[1:9]]  # user nice system idle iowait irq softirq steal
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


@frozen
class CpuSample:
    at: float
    own: float
    """This process's CPU seconds (``time.process_time``)."""
    groups: Mapping[str, int]
    """Ticks of each named process group."""
    commands: Mapping[str, int]
    """Ticks of every process with each command name (e.g. ``postgres``, ``redis-server``)."""
    machine: tuple[int, int] | None

    @classmethod
    def take(cls, groups: Mapping[str, int], commands: Sequence[str]) -> CpuSample:
        """``groups``: a name for each process group id to follow."""
        group_ticks = dict.fromkeys(groups, 0)
        command_ticks = dict.fromkeys(commands, 0)
        by_pgid = {pgid: name for name, pgid in groups.items()}
        if _PROC.is_dir():
            for entry in _PROC.iterdir():
                if not entry.name.isdigit():
                    continue
                found = _process_ticks(entry)
                if found is None:
                    continue
                name, pgid, ticks = found
                if pgid in by_pgid:
                    group_ticks[by_pgid[pgid]] += ticks
                if name in command_ticks:
                    command_ticks[name] += ticks
        return cls(time.perf_counter(), time.process_time(), group_ticks, command_ticks,
                   _machine_ticks())  # fmt: skip

    def share(self, end: CpuSample) -> dict[str, float | None]:
        """The share of one CPU each part used between this sample and ``end``."""
        wall = end.at - self.at
        if wall <= 0:
            return {}
        shares: dict[str, float | None] = {"generator": (end.own - self.own) / wall}
        proc = _PROC.is_dir()
        for name, ticks in self.groups.items():
            shares[name] = (end.groups[name] - ticks) / _TICKS / wall if proc else None
        for name, ticks in self.commands.items():
            shares[name] = (end.commands[name] - ticks) / _TICKS / wall if proc else None
        if self.machine and end.machine and end.machine[1] > self.machine[1]:
            busy = end.machine[0] - self.machine[0]
            total = end.machine[1] - self.machine[1]
            shares["machine"] = busy / total * (os.cpu_count() or 1)
        else:
            shares["machine"] = None
        return shares
