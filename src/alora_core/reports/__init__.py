"""Reports: the daily activity report and the admin statistics.

Importable from here: the commands and what they return.
"""

from alora_core.reports.commands import CreateActivityReport, GetPlatformStatistics
from alora_core.reports.model import ActivityReport
from alora_core.reports.queries import PlatformStatistics

__all__ = [
    "ActivityReport",
    "CreateActivityReport",
    "GetPlatformStatistics",
    "PlatformStatistics",
]
