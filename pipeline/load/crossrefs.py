"""External citations resolved on the database being built, once every document is loaded."""
from __future__ import annotations

from pipeline.structure.crossrefs import cited_document


def resolve_external_rows(con, titles: dict[str, str]) -> None:
    """Point the external references of the database being built at the corpus documents they cite
    (`cited_document`)."""
    cited = [r[0] for r in con.execute("select distinct target_title from cross_references "
                                       "where kind = 'external' and target_title is not null").fetchall()]
    for title in cited:
        doc_id = cited_document(title, titles)
        if doc_id is not None:
            con.execute("update cross_references set target_doc_id = ? where kind = 'external' and target_title = ?",
                        [doc_id, title])
