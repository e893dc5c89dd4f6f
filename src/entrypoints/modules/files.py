"""Files: uploads recognized by their bytes, kept in the platform's object storage."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

from attrs import frozen

from alora_core.files import use_cases as files
from alora_core.files.errors import FileTooLarge, UnsupportedFileType
from alora_core.identity.events import UserDeleted
from alora_core.shared.jobs import ContextSubscriptions
from alora_core.shared.messagebus import CommandHandler
from alora_core.shared.storage import FileStorage
from entrypoints.modules.base import ContextModule, Wiring
from entrypoints.settings import SettingsGroup, Variable, parse_int


@frozen(kw_only=True)
class FilesSettings:
    file_max_bytes: int
    file_cache_seconds: int


SETTINGS = SettingsGroup(
    FilesSettings,
    (
        Variable(
            "ALORA_FILE_MAX_BYTES",
            parse_int(1, 1_073_741_824),
            "5242880",
            "Largest uploaded file (413 beyond); the upload routes take bodies this large (plus "
            "the form's framing) whatever `ALORA_MAX_BODY_BYTES` says.",
            field="file_max_bytes",
        ),
        Variable(
            "ALORA_FILE_CACHE_SECONDS",
            parse_int(0, 31_536_000),
            "3600",
            "`max-age` of public files' `Cache-Control`; private files are revalidated every time.",
            field="file_cache_seconds",
        ),
    ),
)


def _commands(wiring: Wiring) -> Mapping[type, CommandHandler]:
    from adapters.storage.sniffing import FiletypeSniffer

    deps = files.FilesDeps(
        clock=wiring.clock,
        storage=wiring.storage,
        sniffer=FiletypeSniffer(),
        max_bytes=wiring.settings.of(FilesSettings).file_max_bytes,
    )
    return files.command_handlers(deps)


async def _purge_deleted_owner(event: UserDeleted, uow: object, storage: FileStorage) -> None:
    await files.purge_owner_files(event.user_id, storage)


def _subscribe(subscriptions: ContextSubscriptions, wiring: Wiring) -> None:
    # A deleted account's file rows go with it (ON DELETE CASCADE); its bytes go here.
    subscriptions.add(
        UserDeleted,
        "files.purge_deleted_owner",
        partial(_purge_deleted_owner, storage=wiring.storage),
    )


MODULE = ContextModule(
    name="files",
    sql_unit_of_work="adapters.sqlalchemy.files.uow:SqlFilesUnitOfWork",
    memory_unit_of_work="adapters.memory.files.uow:MemoryFilesUnitOfWork",
    tables=("adapters.sqlalchemy.files.repositories",),
    settings=SETTINGS,
    commands=_commands,
    subscribe=_subscribe,
    routes="entrypoints.http.files:ROUTE_HANDLERS",
    statistics="entrypoints.http.files.statistics:SHAPE",
    problems={FileTooLarge: 413, UnsupportedFileType: 415},
)
