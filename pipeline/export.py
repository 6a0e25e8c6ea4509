"""Export: every table and view of a built database as Parquet files that carry the database's comments."""
from __future__ import annotations

from pathlib import Path

from pipeline.errors import PipelineError
from pipeline.query import connect


def export_parquet(db: Path, folder: Path) -> list[Path]:
    """Every table and view of the database as a Parquet file in `folder`, with the database's comments as
    field and file metadata (`description`).

    The rows are read through the sealed connection and written by pyarrow, each file first under a temporary
    name: an interrupted export leaves earlier files whole and no half-written file.
    """
    import os

    import pyarrow as pa
    import pyarrow.parquet as pq

    if folder.exists() and not folder.is_dir():
        raise PipelineError("E304", str(folder), {})
    folder.mkdir(parents=True, exist_ok=True)
    con = connect(db)
    written = []
    try:
        relations = con.execute(
            "select table_name, comment from duckdb_tables() where database_name = current_database() "
            "union all select view_name, comment from duckdb_views() where not internal "
            "and database_name = current_database() order by 1").fetchall()
        for name, comment in relations:
            described = dict(con.execute("select column_name, comment from duckdb_columns() "
                                         "where database_name = current_database() and table_name = ?",
                                         [name]).fetchall())
            table = pa.table(con.sql(f'select * from "{name.replace(chr(34), chr(34) * 2)}"'))
            fields = [f.with_metadata({"description": described[f.name]}) if described.get(f.name) else f
                      for f in table.schema]
            schema = pa.schema(fields, metadata={"description": comment} if comment else None)
            path = folder / f"{name}.parquet"
            tmp = folder / f".{name}.parquet.tmp-{os.getpid()}"
            try:
                pq.write_table(table.cast(schema), tmp)
                os.replace(tmp, path)
            finally:
                tmp.unlink(missing_ok=True)
            written.append(path)
        card = folder / "README.md"
        card.write_text(dataset_card(con, relations, written), encoding="utf-8")
        written.append(card)
    finally:
        con.close()
    return written


def dataset_card(con, relations: list[tuple[str, str | None]], files: list[Path]) -> str:
    """The export's README: what the data are, where they come from, under what licence, which build."""
    (build_id, built_at, version, corpus, inputs, loaded, skipped, licence, description), = con.execute(
        "select build_id, built_at, pipeline_version, corpus_dir, inputs_sha256, documents_loaded, files_skipped, "
        "licence, description from dataset").fetchall()
    docs = con.execute("select source_file, coalesce(title, ''), cast(date as varchar), coalesce(issuer, ''), "
                       "coalesce(source, ''), coalesce(licence, '') from documents order by source_file").fetchall()

    def cell(v: object) -> str:
        return " ".join(str(v or "").split()).replace("|", "\\|")

    lines = [f"# {description}", "", "## Build", "",
             f"- build {build_id}, {built_at:%Y-%m-%d %H:%M} UTC, pipeline {version}",
             f"- corpus folder `{corpus}`: {loaded} documents loaded, {skipped} files skipped",
             f"- inputs SHA-256 {inputs} (the same inputs build the same data)", "",
             "## Licence", "", str(licence or ""), "",
             "## Sources", "", "| file | title | date | issuer | source | licence |", "|---|---|---|---|---|---|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in docs]
    lines += ["", "## Files", "", "Each file is one table or view of the DuckDB database; every column carries its "
              "description as Parquet field metadata (`description`).", "", "| file | rows | what |", "|---|---|---|"]
    counts = {p.stem: pq_rows(p) for p in files}
    lines += [f"| {name}.parquet | {counts.get(name, '')} | {cell(comment)} |" for name, comment in relations]
    return "\n".join(lines) + "\n"


def pq_rows(path: Path) -> int:
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).metadata.num_rows
