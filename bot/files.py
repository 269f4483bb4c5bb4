"""The service's files are its own: the instance folder, the SQLite files and the drop folder.

They hold what residents told us (encrypted), the generated SECRET_KEY and queued email, so
nobody else on the machine may read them: new files are made 0600 (folders 0700), and ones an
older release left readable are tightened at start-up.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)


def make_private(settings: Mapping[str, Any]) -> None:
    """Set a private umask and take group and other access off the files that already exist."""
    os.umask(0o077)
    folders = [Path(settings["INSTANCE_PATH"]), Path(settings["MAIL_DROP_DIR"])]
    files: list[Path] = []
    url = str(settings["DATABASE_URL"])
    if url.startswith("sqlite:///") and ":memory:" not in url:
        database = Path(url.removeprefix("sqlite:///"))
        folders.append(database.parent)
        files += [database.with_name(database.name + suffix)
                  for suffix in ("", "-wal", "-shm", ".writelock")]  # fmt: skip
    for folder in folders:
        _tighten(folder)
        if folder == Path(settings["MAIL_DROP_DIR"]) and folder.is_dir():
            files += list(folder.iterdir())
    files.append(Path(settings["INSTANCE_PATH"]) / "secret_key")
    for path in files:
        _tighten(path)


def _tighten(path: Path) -> None:
    """Take group and other permissions off a file or folder of ours."""
    try:
        info = path.stat()
        if info.st_uid != os.getuid() or stat.S_IMODE(info.st_mode) & 0o077 == 0:
            return  # not ours to change, or already private
        path.chmod(stat.S_IMODE(info.st_mode) & 0o700)
        logger.info("made private: %s", path.name)
    except FileNotFoundError:
        pass
    except OSError as exc:
        logger.warning("cannot make %s private: %s", path.name, type(exc).__name__)
