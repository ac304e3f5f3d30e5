"""Checking and importing member files: the report, the upsert, and nothing half-done."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from eventsite.db import utcnow
from eventsite.extensions import db
from eventsite.invitations import importing
from eventsite.invitations.importing import ImportRefused
from eventsite.invitations.models import JobLevel, Member
from tests.invitations.conftest import csv_bytes, xlsx_bytes


def check(app, org_id, data, filename="medlemmer.csv"):
    with app.test_request_context("/?lang=en"):
        return importing.check_file(org_id, filename, data)


def apply(app, org_id, preview, valid_only=False):
    with app.test_request_context("/?lang=en", method="POST"):
        result = importing.apply_preview(org_id, preview, valid_only=valid_only)
        db.session.commit()
        return result


def members_of(app, org_id):
    with app.app_context():
        rows = db.session.execute(
            select(Member).where(Member.organisation_id == org_id).order_by(Member.email)
        ).scalars()
        return [
            dict(
                email=m.email,
                name=m.name,
                number=m.member_number,
                level=m.job_level,
                code=m.municipality_code,
                region=m.region,
                tags=m.tags,
                title=m.job_title,
                workplace=m.workplace,
                opted_out=m.opted_out,
            )
            for m in rows
        ]


def lines_for(preview, row):
    return [line.message for line in preview.report if line.row == row]


def test_a_clean_file_is_previewed_then_imported_with_derived_regions_and_tags(app, create_organisation):
    org = create_organisation()
    data = csv_bytes(
        "Søren Ærø;soren@naestved.dk;1001;Kommunaldirektør;Direktør;Næstved Kommune;0370;;Kommunaldirektører, Kreds Sjælland",
        "Hélène Østergaard;Helene@Aarhus.dk;1002;Afdelingsleder;mellemleder;Aarhus Kommune;Aarhus;;",
    )
    preview = check(app, org, data)
    assert not preview.has_errors, [str(line) for line in preview.report]
    assert (len(preview.valid_rows), preview.to_create, preview.to_update) == (2, 2, 0)
    assert members_of(app, org) == [], "the preview saves nothing"

    result = apply(app, org, preview)
    assert (result.created, result.updated, result.skipped) == (2, 0, 0)
    helene, soren = members_of(app, org)
    assert helene["email"] == "helene@aarhus.dk"
    assert helene["level"] is JobLevel.MELLEMLEDER
    assert (helene["code"], helene["region"]) == ("0751", "Region Midtjylland")
    assert soren["name"] == "Søren Ærø"
    assert soren["level"] is JobLevel.DIREKTOER
    assert soren["code"] == "0370"
    assert soren["region"] in ("Region Sjælland", "Region Østdanmark")
    assert soren["tags"] == ["Kommunaldirektører", "Kreds Sjælland"]


def test_every_bad_row_gets_a_precise_line_and_nothing_is_saved(app, create_organisation):
    org = create_organisation()
    data = csv_bytes(
        "Anna Andersen;anna@x.dk;1;;leder;;0101;;",  # row 2: fine
        "Bo Berg;bo(at)x.dk;2;;leder;;;;",  # row 3: invalid e-mail
        ";nameless@x.dk;3;;leder;;;;",  # row 4: missing name
        "Cai Cold;cai@x.dk;4;;leder;;Gotham;;",  # row 5: unknown municipality
        "Dea Dahl;dea@x.dk;5;;leder;;;Region Atlantis;",  # row 6: unknown region
        "Eva Ek;twin@x.dk;6;;leder;;;;",  # row 7: duplicate e-mail (with 8)
        "Eva Ek igen;TWIN@x.dk;7;;leder;;;;",  # row 8
        '=HYPERLINK("http://x");fx@x.dk;8;;leder;;;;',  # row 9: formula
        "Finn Fisk;finn@x.dk;9;;kejser;;;;",  # row 10: unknown level
        "Gry Gran;gry@x.dk;;;leder;;;;",  # row 11: fine, no number
        ";;;;;;;;",  # blank row: ignored
    )
    preview = check(app, org, data)
    assert preview.has_errors
    assert lines_for(preview, 2) == []
    assert lines_for(preview, 3) == ["“bo(at)x.dk” is not a valid e-mail address."]
    assert lines_for(preview, 4) == ["The name is missing."]
    assert lines_for(preview, 5) == ["Unknown municipality “Gotham”."]
    assert lines_for(preview, 6)[0].startswith("Unknown region “Region Atlantis”; the regions are ")
    assert "Region Østdanmark" in lines_for(preview, 6)[0]
    assert lines_for(preview, 7) == ["The same e-mail address as row 8."]
    assert lines_for(preview, 8) == ["The same e-mail address as row 7."]
    assert lines_for(preview, 9) == [
        'The cell looks like a spreadsheet formula (=HYPERLINK("http://x")); the row is not imported.',
        "The name is missing.",
    ]
    assert lines_for(preview, 10) == ["Unknown job level “kejser”; use direktør, chef, leder, mellemleder or andet."]
    assert lines_for(preview, 11) == []
    assert [r.row for r in preview.valid_rows] == [2, 11]

    with pytest.raises(ImportRefused):
        apply(app, org, preview)
    assert members_of(app, org) == []

    result = apply(app, org, preview, valid_only=True)
    assert (result.created, result.updated, result.skipped) == (2, 0, 8)
    assert [m["email"] for m in members_of(app, org)] == ["anna@x.dk", "gry@x.dk"]


def test_duplicate_member_numbers_are_errors_on_both_rows(app, create_organisation):
    org = create_organisation()
    preview = check(app, org, csv_bytes("A;a@x.dk;77;;;;;;", "B;b@x.dk;77;;;;;;"))
    assert lines_for(preview, 2) == ["The same member number as row 3."]
    assert lines_for(preview, 3) == ["The same member number as row 2."]


def test_a_header_without_an_email_column_is_reported_and_nothing_read(app, create_organisation):
    org = create_organisation()
    preview = check(app, org, csv_bytes("Anna;1", header="Navn;Medlemsnummer"))
    assert preview.fatal
    assert [str(line) for line in preview.report if line.row is None] == [
        "File, error: The header row has no e-mail column (e.g. “E-mail”). Columns found: “Navn”, “Medlemsnummer”."
    ]
    with pytest.raises(ImportRefused):
        apply(app, org, preview, valid_only=True)


@pytest.mark.parametrize(
    "data, expected",
    [
        (b"", "The file is empty."),
        (b"Navn;E-mail\r\n", "The file has a header row but no members below it."),
        (b"%PDF-1.4\n\x00\x01\x02binary", "The file is neither CSV nor XLSX (it contains binary data)."),
    ],
)
def test_empty_and_foreign_files_are_reported(app, create_organisation, data, expected):
    org = create_organisation()
    preview = check(app, org, data)
    assert preview.fatal
    assert [line.message for line in preview.report] == [expected]


def test_unknown_columns_are_warnings_and_first_and_last_names_are_joined(app, create_organisation):
    org = create_organisation()
    preview = check(app, org, csv_bytes("Åse;Ørum;ase@x.dk;blå", header="Fornavn;Efternavn;E-mail;Yndlingsfarve"))
    assert not preview.has_errors
    assert [(line.column, line.severity) for line in preview.report] == [("Yndlingsfarve", "warning")]
    assert preview.valid_rows[0].values.name == "Åse Ørum"


def test_a_region_alone_is_accepted_when_it_is_one_of_the_six(app, create_organisation):
    org = create_organisation()
    header = "Navn;E-mail;Region"
    preview = check(
        app,
        org,
        csv_bytes("A;a@x.dk;Sjælland", "B;b@x.dk;region østdanmark", "C;c@x.dk;Region Nordjylland", header=header),
    )
    assert not preview.has_errors
    apply(app, org, preview)
    assert [(m["email"], m["code"], m["region"]) for m in members_of(app, org)] == [
        ("a@x.dk", None, "Region Sjælland"),
        ("b@x.dk", None, "Region Østdanmark"),
        ("c@x.dk", None, "Region Nordjylland"),
    ]


def test_a_region_that_contradicts_the_municipality_is_a_warning_and_the_municipality_wins(app, create_organisation):
    org = create_organisation()
    preview = check(app, org, csv_bytes("A;a@x.dk;Odense;Region Hovedstaden", header="Navn;E-mail;Kommune;Region"))
    assert not preview.has_errors
    assert preview.report[0].severity == "warning"
    assert "Odense" in preview.report[0].message
    assert preview.valid_rows[0].values.region == "Region Syddanmark"


def test_upsert_matches_member_number_first_then_email_and_keeps_opt_outs(app, create_organisation, create_member):
    org = create_organisation()
    by_number = create_member(org, name="Old Name", email="old@x.dk", member_number="500")
    by_email = create_member(org, name="Email Match", email="same@x.dk", job_title="Leder")
    with app.app_context():
        db.session.get(Member, by_email).opted_out_at = utcnow()
        db.session.commit()
    preview = check(
        app,
        org,
        csv_bytes(
            "New Name;new@x.dk;500;;chef;;;;",
            "Email Match;SAME@x.dk;501;;;;;;",
            "Brand New;brand@x.dk;502;;;;;;",
        ),
    )
    assert [r.action for r in preview.valid_rows] == ["update", "update", "create"]
    result = apply(app, org, preview)
    assert (result.created, result.updated) == (1, 2)
    members = {m["email"]: m for m in members_of(app, org)}
    assert set(members) == {"new@x.dk", "same@x.dk", "brand@x.dk"}
    assert members["new@x.dk"]["name"] == "New Name"
    assert members["new@x.dk"]["level"] is JobLevel.CHEF
    assert members["same@x.dk"]["number"] == "501"
    assert members["same@x.dk"]["opted_out"] is True, "an import never re-subscribes anyone"
    with app.app_context():
        assert db.session.get(Member, by_number).email == "new@x.dk"


def test_a_row_matching_two_different_members_is_an_error(app, create_organisation, create_member):
    org = create_organisation()
    create_member(org, email="a@x.dk", member_number="1")
    create_member(org, email="b@x.dk", member_number="2")
    preview = check(app, org, csv_bytes("Somebody;b@x.dk;1;;;;;;"))
    assert preview.has_errors
    assert "belongs to" in lines_for(preview, 2)[0]


def test_columns_missing_from_the_file_are_left_alone_on_update(app, create_organisation, create_member):
    org = create_organisation()
    create_member(
        org, email="keep@x.dk", job_title="Direktør", workplace="Rådhuset", municipality_code="0370", tags=["VIP"]
    )
    apply(app, org, check(app, org, csv_bytes("Keep Me;keep@x.dk", header="Navn;E-mail")))
    (member,) = members_of(app, org)
    assert (member["name"], member["title"], member["workplace"], member["code"], member["tags"]) == (
        "Keep Me",
        "Direktør",
        "Rådhuset",
        "0370",
        ["VIP"],
    )


def test_an_organisation_only_sees_and_updates_its_own_members(app, create_organisation, create_member):
    org_a = create_organisation(slug="a")
    org_b = create_organisation(slug="b")
    create_member(org_b, email="shared@x.dk", name="B's member")
    preview = check(app, org_a, csv_bytes("A's member;shared@x.dk;;;;;;;"))
    assert [r.action for r in preview.valid_rows] == ["create"]
    apply(app, org_a, preview)
    assert [m["name"] for m in members_of(app, org_b)] == ["B's member"]
    assert [m["name"] for m in members_of(app, org_a)] == ["A's member"]


def test_xlsx_with_a_formula_cell_is_flagged(app, create_organisation):
    org = create_organisation()
    data = xlsx_bytes(
        [
            ["Navn", "E-mail", "Kommune", "Niveau"],
            ["Søren Ærø", "soren@x.dk", 370, "Leder"],
            ["Ok Name", "ok@x.dk", "=1+1", "Leder"],
        ]
    )
    preview = check(app, org, data, "medlemmer.xlsx")
    assert preview.kind == "xlsx"
    assert lines_for(preview, 2) == []
    assert preview.valid_rows[0].values.municipality_code == "0370"
    assert lines_for(preview, 3) == ["The cell looks like a spreadsheet formula (=1+1); the row is not imported."]


def test_the_directory_changing_after_the_preview_refuses_the_import(app, create_organisation, create_member):
    org = create_organisation()
    preview = check(app, org, csv_bytes("Late;late@x.dk;9;;;;;;", "Fine;fine@x.dk;10;;;;;;"))
    assert [r.action for r in preview.valid_rows] == ["create", "create"]
    create_member(org, email="other@x.dk", member_number="9")  # number 9 was taken meanwhile
    with pytest.raises(ImportRefused) as refused:
        apply(app, org, preview)
    assert refused.value.message.startswith("The member directory changed since the preview")
    assert [m["email"] for m in members_of(app, org)] == ["other@x.dk"]
    result = apply(app, org, preview, valid_only=True)
    assert (result.created, result.updated, result.skipped) == (1, 0, 1)
    assert [m["email"] for m in members_of(app, org)] == ["fine@x.dk", "other@x.dk"]


def test_a_preview_survives_a_round_trip_through_json(app, create_organisation):
    org = create_organisation()
    preview = check(app, org, csv_bytes("Æble Ø;a@x.dk;1;;;;;;", "B;bad;2;;;;;;"))
    again = importing.Preview.from_json(preview.to_json())
    assert again == preview
