"""`add`: one file into the corpus and the database, all or nothing, even when the process is killed.

A journal written before the corpus changes lets the next build or add undo the changes of an `add` that was
killed (`undo_killed_adds`).
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from pipeline.build.results import BuildReport, Issue
from pipeline.errors import InputError, PipelineError
from pipeline.files import not_a_document_name
from pipeline.load.locks import build_lock


def _sidecar_text(value):
    """A sidecar value as it is written: a month date as YYYY-MM (its precision kept), another date ISO."""
    from pipeline.ingest.dates import MonthDate

    if isinstance(value, MonthDate):
        return f"{value.year:04d}-{value.month:02d}"
    return value


def add_document(file: Path, corpus: Path, db: Path, metadata: dict) -> tuple[BuildReport, str]:
    """Copy `file` into the corpus (never over a different file), write a sidecar, rebuild.

    All or nothing: the options are checked before anything is written, the database is rebuilt into
    a temporary file, and when the new text cannot be built (unreadable, a duplicate, a fault) the
    copy and its sidecar are removed, an earlier sidecar is restored, and the database is left as it
    was; the error names the file and the reason.
    """
    import shutil

    import yaml

    from pipeline.build import build  # the build is this package's; imported here, where add needs it
    from pipeline.ingest import sidecar_path, sidecar_value

    file, corpus, db = Path(file), Path(corpus), Path(db)
    if not file.is_file():
        raise InputError("E107", str(file), {"detail": "no such file"})
    try:
        given = {k: sidecar_value(k, v) for k, v in metadata.items() if v is not None and v != ""}
    except ValueError as exc:
        raise InputError("E110", str(file), {"detail": exc}) from None
    if why := not_a_document_name(file.name):
        raise InputError("E110", str(file), {"detail": f"the build does not read {why} as a document; rename it "
                                                       "(rules_1955.txt) and add it again"})
    target = corpus / file.name
    if target.exists() and target.read_bytes() != file.read_bytes():
        raise InputError("E107", str(target), {"detail": "a different file of that name is already in the corpus"})
    side = sidecar_path(target)
    had_target, old_side = target.exists(), side.read_bytes() if side.exists() else None
    tmp = db.with_name(f".{db.name}.add.tmp-{os.getpid()}")
    db.parent.mkdir(parents=True, exist_ok=True)
    with build_lock(db):
        undone = undo_killed_adds(db)
        journal = _journal(db, os.getpid())
        journal.write_text(json.dumps({"target": str(target), "had_target": had_target, "side": str(side),
                                       "old_side": old_side.decode("utf-8", "surrogateescape") if old_side else None,
                                       "wrote_side": bool(given)}), encoding="utf-8")
        try:
            corpus.mkdir(parents=True, exist_ok=True)
            if not had_target:
                shutil.copyfile(file, target)
            if given:
                side.write_text(yaml.safe_dump({k: _sidecar_text(v) for k, v in given.items()}, allow_unicode=True),
                                encoding="utf-8")
            report = build(corpus, tmp, cache_dir=db.parent / ".cache" / "documents", force=True)
            report.issues += [Issue(e.where, "add", e.code, "warning", str(e)) for e in undone]
            failed = [i for i in report.skipped if i.source_file == target.name]
            if failed:
                raise PipelineError("E111", str(file), {"detail": failed[0].message})
            os.replace(tmp, db)
        except BaseException:
            if not had_target:
                target.unlink(missing_ok=True)
            if old_side is not None:
                side.write_bytes(old_side)
            elif given:
                side.unlink(missing_ok=True)
            raise
        finally:
            for leftover in (tmp, tmp.with_name(f".{tmp.name}.lock"), journal):
                leftover.unlink(missing_ok=True)
    report.db = str(db)
    return report, target.name


def _journal(db: Path, pid: int) -> Path:
    """What an `add` in process `pid` changes in the corpus, written before it changes it, removed after."""
    return db.with_name(f".{db.name}.add-{pid}.json")


def undo_killed_adds(db: Path) -> list[PipelineError]:
    """Undo the corpus changes of every `add` into `db` whose process was killed (kill -9, power loss): its copy
    of the text is removed and the sidecar restored, as a failed `add` does. Returns one E125 warning each."""
    from pipeline.load.locks import alive

    undone = []
    for journal in sorted(db.parent.glob(f".{db.name}.add-*.json")):
        pid = journal.name.removeprefix(f".{db.name}.add-").removesuffix(".json")
        if not pid.isdigit() or alive(int(pid)):
            continue
        try:
            entry = json.loads(journal.read_text(encoding="utf-8"))
            target, side = Path(entry["target"]), Path(entry["side"])
        except (OSError, ValueError, KeyError, TypeError):
            journal.unlink(missing_ok=True)
            continue
        what = []
        if not entry.get("had_target") and target.exists():
            target.unlink()
            what.append("its copy in the corpus was removed")
        if entry.get("old_side") is not None:
            side.write_bytes(entry["old_side"].encode("utf-8", "surrogateescape"))
            what.append("its sidecar was restored")
        elif entry.get("wrote_side") and side.exists():
            side.unlink()
            what.append("the sidecar it wrote was removed")
        journal.unlink(missing_ok=True)
        undone.append(PipelineError("E125", target.name, {"pid": pid, "undone": " and ".join(what) or
                                                          "it had changed nothing"}))
    return undone
