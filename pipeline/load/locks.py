"""The build's lock on a database, and the temporary files a killed build leaves behind."""
from __future__ import annotations

import fcntl
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.errors import PipelineError

# Temporary files and folders carry the id of the process writing them: `.NAME.tmp-PID` (and DuckDB's
# `.NAME.tmp-PID.wal`). One whose process is gone was left by a killed build.
# `add` builds into `.NAME.add.tmp-PID`, whose own lock is `..NAME.add.tmp-PID.lock`.
STALE_RE = re.compile(r"^\..+\.tmp-(?P<pid>\d+)(?:\.wal|\.lock)?$")


def alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # somebody else's process: alive
        return True
    return True


def remove_stale(*folders: Path) -> list[Path]:
    """Remove the temporary files and folders in `folders` whose writing process is gone; return them."""
    removed = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            m = STALE_RE.match(path.name)
            if m and not alive(int(m.group("pid"))):
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)
                removed.append(path)
    return removed


@contextmanager
def build_lock(db: Path) -> Iterator[None]:
    lock = db.with_name(f".{db.name}.lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise PipelineError("E203", str(db), {"db": db, "lock": lock}) from exc
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
