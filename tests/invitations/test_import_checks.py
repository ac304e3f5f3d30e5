"""The pure steps of a member import, without a database: the header row, one row's
checks, matching against a directory, and a stored preview read back."""

from __future__ import annotations

from datetime import date

from eventsite.invitations.importing import MemberRow, Preview, RowAction, Severity
from eventsite.invitations.importing.checks import Directory, check_row, plan
from eventsite.invitations.importing.columns import Column, map_columns
from eventsite.invitations.models import JobLevel

BEFORE_REFORM = date(2026, 6, 1)


def test_the_header_row_maps_aliases_and_warns_about_the_rest():
    columns = map_columns(["Medlems-nr.", "Fornavn", "Efternavn", "E-mail", "Kommune", "Farve", "fornavn"])
    assert columns.positions == {
        Column.MEMBER_NUMBER: 0,
        Column.FIRST_NAME: 1,
        Column.LAST_NAME: 2,
        Column.EMAIL: 3,
        Column.MUNICIPALITY: 4,
    }
    assert columns.fields == ["email", "name", "member_number", "municipality_code", "region"]
    assert [(f.column, f.severity) for f in columns.findings] == [
        ("Farve", Severity.WARNING),
        ("fornavn", Severity.WARNING),
    ]
    assert not columns.fatal
    assert map_columns(["Navn", "Telefon"]).fatal


def test_a_row_is_cleaned_into_a_member_row_with_its_findings():
    columns = map_columns(["Navn", "E-mail", "Niveau", "Kommune", "Region", "Tags"])
    values, findings = check_row(
        7,
        ["  Søren   Ærø ", "Soren@X.dk", "Direktør", "Næstved", "Region Nordjylland", "A; b, a |"],
        columns,
        BEFORE_REFORM,
    )
    assert values == MemberRow(
        email="soren@x.dk",
        name="Søren Ærø",
        job_level=JobLevel.DIREKTOER,
        municipality_code="0370",
        region="Region Sjælland",
        tags=["A", "b"],
    )
    assert [(f.row, f.severity) for f in findings] == [(7, Severity.WARNING)], "the municipality's region wins"

    _values, findings = check_row(8, ["", "nope", "kejser"], columns, BEFORE_REFORM)
    assert [f.severity for f in findings] == [Severity.ERROR] * 3


def test_a_row_is_planned_by_member_number_first_then_by_email():
    directory = Directory(
        by_email={"a@x.dk": (1, "10"), "b@x.dk": (2, None)}, by_number={"10": 1}, names={1: "A", 2: "B"}
    )
    assert plan(MemberRow(email="new@x.dk", member_number="10"), directory).action is RowAction.UPDATE
    assert plan(MemberRow(email="b@x.dk"), directory).member_id == 2
    assert plan(MemberRow(email="c@x.dk"), directory).action is RowAction.CREATE
    clash = plan(MemberRow(email="b@x.dk", member_number="10"), directory)
    assert clash.action is None and clash.problem


def test_a_preview_stored_before_the_split_still_loads():
    stored = (
        '{"filename": "m.csv", "kind": "csv", "encoding": "utf-8", "delimiter": ";", "fields": ["email", "name",'
        ' "job_level"], "rows": [{"row": 2, "values": {"name": "A", "email": "a@x.dk", "job_level": "chef"},'
        ' "errors": 0, "action": "create", "member_id": null}, {"row": 3, "values": {"name": "", "email": "b"},'
        ' "errors": 1, "action": "", "member_id": null}], "report": [{"row": 3, "column": "Navn",'
        ' "message": "Navnet mangler.", "severity": "error"}], "fatal": false}'
    )
    preview = Preview.from_json(stored)
    assert preview.rows[0].values == MemberRow(email="a@x.dk", name="A", job_level=JobLevel.CHEF)
    assert (preview.rows[0].action, preview.rows[1].action) == (RowAction.CREATE, None)
    assert preview.report[0].severity is Severity.ERROR
    assert Preview.from_json(preview.to_json()) == preview
