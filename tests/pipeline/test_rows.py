"""Typed rows: one class per table, made from schemas/tables.yaml, and what the stages hand the load stage."""
import dataclasses
from datetime import date

import pytest

from pipeline.build import document_tables, structure_file
from pipeline.load.tables import tables
from pipeline.rows import StandardRow, row_class
from tests.conftest import CORPUS


@pytest.mark.parametrize("table", sorted(tables()))
def test_every_table_has_a_row_class_with_its_columns(table):
    cls = row_class(table)
    assert [f.name for f in dataclasses.fields(cls)] == tables()[table].column_names
    assert cls.table == table and cls.__doc__


def test_fields_are_typed_and_defaulted_from_the_declaration():
    hints = {f.name: f.type for f in dataclasses.fields(StandardRow)}
    assert hints["value_min"] == float | None and hints["flags"] == list[str] and hints["article_no"] == int | None
    row = StandardRow(doc_id="d", concept="unclassified")
    assert row.review_status == "unreviewed" and row.flags == [] and row.value_min is None
    assert row.as_dict()["concept"] == "unclassified"


def test_an_undeclared_column_fails_where_the_row_is_made():
    with pytest.raises(TypeError):
        StandardRow(doc_id="d", valu_min=3)  # a misspelt column


def test_the_stages_hand_typed_rows_to_the_load_stage():
    from pipeline.extract import extract

    sd = structure_file(CORPUS / "003_b69152d1adbf7c19.txt")
    for name, rows in extract(sd).tables().items():
        assert all(type(r) is row_class(name) for r in rows), name
    records, summary = document_tables(sd)
    assert isinstance(records["documents"][0]["date"], date) and summary.standards == 21
