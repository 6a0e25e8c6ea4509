"""What the build's steps hand each other: a document's result, a build's issues and its report.

    worker ──DocumentResult──▶ runner ──DocumentResult──▶ corpus (keep) ──▶ load ──▶ BuildReport

A `DocumentResult` is what processing one file gives the build: its summary and where its rows are cached,
or why it could not be built. It crosses process boundaries (pickled) and is kept in the cache (as JSON,
`to_cache`/`from_cache`), so that a file processed once is never processed again.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path


@dataclass
class Issue:
    """A file skipped (severity `error`) or a warning of the build, with the stage and the error code."""

    source_file: str | None
    stage: str
    code: str
    severity: str
    message: str


@dataclass
class DocumentSummary:
    """One loaded document in a few figures: how it was read and how many rows of each kind it gave."""

    source_file: str
    doc_id: str
    layout: str
    encoding: str
    script: str
    title: str | None
    units: dict[str, int]
    cross_references: int
    standards: int = 0
    conversion_rates: int = 0
    facts: int = 0
    flags: int = 0


@dataclass(frozen=True)
class FileError:
    """Why a file was not built: the error code and the message naming the file, the place and the problem."""

    code: str
    message: str


@dataclass
class DocumentResult:
    """What processing one file gave: its summary and cached rows (`cache_key`, `batch`), or its `error`.

    `cached` tells whether it came from the cache; `timings` holds the seconds of each stage it went through
    in this build (read_normalize_structure_s, extract_s, validate_write_s, worker_startup_s, cache_lookup_s).
    """

    source_file: str
    error: FileError | None = None
    doc_id: str = ""
    content_sha256: str = ""
    summary: DocumentSummary | None = None
    title: str | None = None
    bytes: int = 0
    warnings: list[tuple[str, dict]] = field(default_factory=list)
    cache_key: str = ""
    batch: str = ""  # the cache's batch folder holding its rows, relative to the cache folder
    cached: bool = False
    timings: dict[str, float] = field(default_factory=dict)

    @classmethod
    def failed(cls, name: str, code: str, message: str) -> DocumentResult:
        return cls(source_file=name, error=FileError(code, message))

    def to_cache(self) -> str:
        """The JSON kept in the cache under the document's key (what a later build needs, no timings)."""
        return json.dumps({"source_file": self.source_file, "content_sha256": self.content_sha256,
                           "summary": asdict(self.summary) if self.summary else None, "title": self.title,
                           "bytes": self.bytes, "warnings": [list(w) for w in self.warnings],
                           "cache_key": self.cache_key, "batch": self.batch}, ensure_ascii=False)

    @classmethod
    def from_cache(cls, data: dict) -> DocumentResult:
        """A result read back from the cache's JSON (`to_cache`): `cached` is set."""
        summary = data.get("summary")
        return cls(source_file=data["source_file"], content_sha256=data["content_sha256"],
                   summary=DocumentSummary(**summary) if summary else None, title=data.get("title"),
                   bytes=data.get("bytes", 0), warnings=[(c, d) for c, d in data.get("warnings", [])],
                   cache_key=data.get("cache_key", ""), batch=data["batch"], cached=True)

    def named(self, path: Path, doc_id: str, processed_as: str | None = None) -> DocumentResult:
        """This result (processed or cached under any name) for the file `path`, whose document id is `doc_id`:
        an error's message names that file."""
        if self.error is not None:
            message = self.error.message
            if processed_as and processed_as != path.name and message.startswith(processed_as):
                message = path.name + message[len(processed_as):]
            return replace(self, source_file=path.name, error=FileError(self.error.code, message))
        summary = replace(self.summary, source_file=path.name, doc_id=doc_id) if self.summary else None
        return replace(self, source_file=path.name, doc_id=doc_id, summary=summary)


@dataclass
class BuildReport:
    """What a build did: the documents loaded, the issues, the table sizes, the time and memory it took."""

    db: str
    corpus: str
    documents: list[DocumentSummary] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    tables: dict[str, int] = field(default_factory=dict)
    processed: int = 0  # documents processed in this build (the rest came from the cache)
    cached: int = 0
    workers: int = 1  # processes that processed them
    executor: str = "this process"  # what ran them: this process, a process pool, or a given executor's class
    up_to_date: bool = False  # nothing the database is built from had changed: it was left as it was
    timings: dict[str, float] = field(default_factory=dict)
    peak_memory_mb: dict[str, float] = field(default_factory=dict)  # main process, largest worker process
    decisions: dict = field(default_factory=dict)  # what the maintainers' errata and reviews did (`decisions`)
    inputs_sha256: str = ""  # everything the database was built from (`inputs_sha256`)
    carried_issues: list[Issue] = field(default_factory=list)  # its build_issues a no-change build carries over
    database_file: list[int] = field(default_factory=list)  # its size, mtime (ns) and inode as the report was written

    @property
    def skipped(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1, default=str)
