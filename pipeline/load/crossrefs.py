"""External citations resolved on the database being built, once every document is loaded."""
from __future__ import annotations

from pipeline import vocab


def resolve_external_rows(con, titles: dict[str, str]) -> None:
    """The same matching as `resolve_external`, on the cross_references table of a database being built."""
    cited = [r[0] for r in con.execute("select distinct target_title from cross_references "
                                       "where kind = 'external' and target_title is not null").fetchall()]
    for title in cited:
        want = vocab.simplified(title).replace(" ", "")
        doc_id = next((d for t, d in titles.items() if t == want or t.endswith(want)), None)
        if doc_id is not None:
            con.execute("update cross_references set target_doc_id = ? where kind = 'external' and target_title = ?",
                        [doc_id, title])
