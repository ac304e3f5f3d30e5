"""Importing through the back office and the command line: preview, confirm, refuse."""

from __future__ import annotations

import io
import re

from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from eventsite.audit import AuditEntry
from eventsite.extensions import db
from eventsite.invitations.models import Member, MemberImport
from tests.helpers import csrf_token, visible_text
from tests.invitations.conftest import csv_bytes


def upload(client, org, data: bytes, filename="medlemmer.csv", token=None):
    url = f"/arrangoer/organisationer/{org}/medlemmer/import"
    token = token if token is not None else csrf_token(client.get(url).data)
    # Encoded in memory: the test client would spool a large body to a temporary
    # file that nobody closes when the server refuses to read it.
    boundary, body = encode_multipart({"csrf_token": token, "file": FileStorage(io.BytesIO(data), filename)})
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def member_count(app) -> int:
    with app.app_context():
        return db.session.execute(select(func.count(Member.id))).scalar_one()


def test_upload_preview_and_confirm(app, client, create_organisation, login_as):
    org = create_organisation()
    login_as(org)
    data = csv_bytes(
        "Søren Ærø;soren@x.dk;1;;leder;;Næstved;;", "Åse Ørum;ase@x.dk;2;;chef;;Odense;;", encoding="cp1252"
    )
    response = upload(client, org, data)
    assert response.status_code == 303
    preview_url = response.headers["Location"]
    assert re.fullmatch(rf"/arrangoer/organisationer/{org}/medlemmer/import/[\w-]+", preview_url)
    assert member_count(app) == 0, "nothing is saved before the organiser confirms"

    page = client.get(preview_url)
    text = visible_text(page.data)
    assert "Gyldige rækker: 2 (2 nye, 0 opdateres)" in text
    assert "Søren Ærø" in text and "Åse Ørum" in text
    assert "cp1252" in text
    # Municipalities by name, as the organiser typed them, not as codes.
    assert "Næstved Region Sjælland" in text and "Odense Region Syddanmark" in text
    assert "0370" not in text and "0461" not in text

    response = client.post(preview_url, data={"csrf_token": csrf_token(page.data)})
    assert response.status_code == 303
    assert member_count(app) == 2
    followed = client.get(response.headers["Location"])
    assert "Importen er gennemført: 2 nye, 0 opdateret, 0 rækker sprunget over." in visible_text(followed.data)
    with app.app_context():
        assert db.session.execute(select(MemberImport)).first() is None, "the preview is removed once applied"
        entry = db.session.execute(select(AuditEntry).where(AuditEntry.object_type == "member_import")).scalar_one()
        assert '"created": 2' in entry.after
    assert client.get(preview_url).status_code == 404


def test_a_file_with_errors_saves_nothing_unless_only_valid_rows_are_chosen(app, client, create_organisation, login_as):
    org = create_organisation()
    login_as(org)
    response = upload(client, org, csv_bytes("Ok;ok@x.dk;;;;;;;", "Bad;not-an-email;;;;;;;"))
    preview_url = response.headers["Location"]
    page = client.get(preview_url)
    text = visible_text(page.data)
    assert "“not-an-email” er ikke en gyldig e-mailadresse." in text
    assert "Importér kun de gyldige rækker" in text

    refused = client.post(preview_url, data={"csrf_token": csrf_token(page.data)})
    assert refused.status_code == 409
    assert "Filen har fejl, så intet er importeret." in visible_text(refused.data)
    assert member_count(app) == 0

    done = client.post(preview_url, data={"csrf_token": csrf_token(page.data), "valid_only": "y"})
    assert done.status_code == 303
    assert member_count(app) == 1


def test_a_50_mb_upload_is_refused_with_a_danish_message_and_nothing_is_stored(
    app, client, create_organisation, login_as
):
    org = create_organisation()
    login_as(org)
    row = "Mette Hansen;mette@x.dk;1;Leder;leder;Rådhuset;0101;;\r\n".encode()
    data = csv_bytes() + row * (50 * 1024 * 1024 // len(row) + 1)
    assert len(data) >= 50 * 1024 * 1024
    response = upload(client, org, data)
    assert response.status_code == 413
    assert "Filen er for stor: højst 20 MB. Del medlemslisten op i flere filer." in visible_text(response.data)
    with app.app_context():
        assert db.session.execute(select(MemberImport)).first() is None
    assert member_count(app) == 0


def test_a_file_larger_than_the_site_wide_limit_but_within_the_import_limit_is_accepted(
    app, client, create_organisation, login_as
):
    org = create_organisation()
    login_as(org)
    title = "Leder af " + "meget lange titler " * 9
    rows = [f"Medlem {i};m{i}@x.dk;{i};{title};leder;Rådhuset;0101;;" for i in range(10_000)]
    data = csv_bytes(*rows)
    assert len(data) > app.config["MAX_CONTENT_LENGTH"]
    response = upload(client, org, data)
    assert response.status_code == 303


def test_bad_files_get_a_precise_report_and_no_import_button(app, client, create_organisation, login_as):
    org = create_organisation()
    login_as(org)
    for data, filename, expected in [
        (b"%PDF-1.7\n\x00\x00binary", "medlemmer.pdf", "Filen er hverken CSV eller XLSX"),
        (b"", "tom.csv", "Filen er tom."),
        (
            csv_bytes("Anna;1", header="Navn;Medlemsnummer"),
            "medlemmer.csv",
            "Overskriftsrækken har ingen kolonne med e-mailadresser",
        ),
    ]:
        response = upload(client, org, data, filename)
        page = client.get(response.headers["Location"])
        text = visible_text(page.data)
        assert expected in text, filename
        assert "Importér" not in re.sub(r"Importér medlemmer", "", text), filename
    assert member_count(app) == 0


def test_choosing_no_file_is_explained(app, client, create_organisation, login_as):
    org = create_organisation()
    login_as(org)
    url = f"/arrangoer/organisationer/{org}/medlemmer/import"
    response = client.post(url, data={"csrf_token": csrf_token(client.get(url).data)})
    assert response.status_code == 422
    assert "Vælg en fil, der skal importeres." in visible_text(response.data)


def test_the_upload_still_requires_a_csrf_token(app, client, create_organisation, login_as):
    org = create_organisation()
    login_as(org)
    response = upload(client, org, csv_bytes("A;a@x.dk;;;;;;;"), token="forged")
    assert response.status_code == 400
    with app.app_context():
        assert db.session.execute(select(MemberImport)).first() is None


def test_another_organisations_preview_is_not_found(app, client, create_organisation, login_as):
    org_a = create_organisation(slug="a")
    org_b = create_organisation(slug="b")
    login_as(org_b)
    preview_url = upload(client, org_b, csv_bytes("A;a@x.dk;;;;;;;")).headers["Location"]
    client.post("/arrangoer/log-ud", data={"csrf_token": csrf_token(client.get(preview_url).data)})
    login_as(org_a)
    assert client.get(preview_url).status_code == 404
    token = preview_url.rsplit("/", 1)[1]
    assert client.get(f"/arrangoer/organisationer/{org_a}/medlemmer/import/{token}").status_code == 404


def test_the_command_line_import_prints_the_report(app, create_organisation, tmp_path):
    create_organisation(slug="lederne")
    path = tmp_path / "medlemmer.csv"
    path.write_bytes(csv_bytes("Søren Ærø;soren@x.dk;1;;leder;;Næstved;;", "Bad;bad;2;;;;;;"))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import-members", str(path), "--org", "lederne"])
    assert result.exit_code == 1
    assert "Række 3 (E-mail), fejl: “bad” er ikke en gyldig e-mailadresse." in result.output
    assert "Filen har fejl, så intet er importeret." in result.output
    assert member_count(app) == 0

    result = runner.invoke(args=["import-members", str(path), "--org", "lederne", "--valid-only"])
    assert result.exit_code == 0, result.output
    assert "Importen er gennemført: 1 nye, 0 opdateret, 1 rækker sprunget over." in result.output
    assert member_count(app) == 1


def test_the_command_line_refuses_an_unknown_organisation_and_a_bad_file(app, create_organisation, tmp_path):
    create_organisation(slug="lederne")
    path = tmp_path / "x.csv"
    path.write_bytes(b"")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import-members", str(path), "--org", "ukendt"])
    assert result.exit_code == 1 and "Der er ingen organisation med kortnavnet 'ukendt'." in result.output
    result = runner.invoke(args=["import-members", str(path), "--org", "lederne"])
    assert result.exit_code == 1
    assert "Fil, fejl: Filen er tom." in result.output
    with open(path, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB on paper
    result = runner.invoke(args=["import-members", str(path), "--org", "lederne"])
    assert result.exit_code == 1
    assert "Filen er for stor: højst 20 MB." in result.output
