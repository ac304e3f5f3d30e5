"""Every back-office URL, found through the URL map, keeps organisations apart.

The test walks `app.url_map`, so a route added later is covered without anyone
remembering to list it. URL parameters are filled with the ids of organisation B's
objects; a parameter name the test does not know fails loudly: add it to PARAMETERS.
"""

from __future__ import annotations

import os
import uuid

import pytest
from flask import url_for
from sqlalchemy import select

from eventsite.accounts.access import _ACCESS_ATTR
from eventsite.extensions import db
from tests.helpers import csrf_token, log_in, user_email

#: Endpoints anyone may open.
PUBLIC_ENDPOINTS = {
    "organiser.login",
    "organiser.invitation",
    "organiser.forgotten_password",
    "organiser.password_reset",
    # The second step of the login: only a half-logged-in session (password right) gets anything.
    "organiser.login_code",
    "organiser.login_enrol",
}
#: Endpoints about one's own account, open to every logged-in user.
ACCOUNT_ENDPOINTS = {
    "organiser.index",
    "organiser.password",
    "organiser.logout",
    "organiser.second_factor_page",
    "organiser.second_factor_enrol",
    "organiser.recovery_codes",
    "organiser.recovery_codes_new",
    # The header's organisation switcher: only the account's own organisations are accepted.
    "organiser.switch_organisation",
}
#: Organisation B's details; none may appear on a page shown to anyone outside B.
B_MARKERS = ("Hemmeligt B-arrangement", "B-Hemmelig Sal", "Bodil Bhemmelig", "b-organiser@bhemmelig.dk")


def is_checkin_endpoint(endpoint: str) -> bool:
    return endpoint.startswith("organiser.checkin")


@pytest.fixture
def world(app, create_organisation, create_event, register_person, create_user):
    """Organisations A and B, each with an event, session, venue, programme item and registration."""
    from eventsite.events.models import EventSession
    from eventsite.registration.models import Registration

    org_a = create_organisation(slug="org-a", name="Forening A")
    org_b = create_organisation(slug="org-b", name="Forening B")
    event_a = create_event(
        title="Temadag i A", organisation_id=org_a, sessions=[{"programme": [("10:00", "Velkomst A")]}]
    )
    event_b = create_event(
        title="Hemmeligt B-arrangement",
        organisation_id=org_b,
        sessions=[
            {
                "venue_name": "B-Hemmelig Sal",
                "city": "Silkeborg",
                "municipality_code": "0740",
                "programme": [("10:00", "Velkomst B")],
            }
        ],
    )
    register_person(event_a.session_id, name="Anders And")
    registration_b = register_person(event_b.session_id, name="Bodil Bhemmelig")
    with app.app_context():
        session_b = db.session.get(EventSession, event_b.session_id)
        ids = {
            "event_id": event_b.id,
            "session_id": session_b.id,
            "registration_id": registration_b.id,
            "venue_id": session_b.venue_id,
            "item_id": session_b.programme[0].id,
        }
        assert db.session.get(Registration, registration_b.id).event_id == event_b.id
    organiser_b = create_user(org_b, "organiser", email="b-organiser@bhemmelig.dk")
    ids["user_id"] = organiser_b
    return {
        "org_a": org_a,
        "org_b": org_b,
        "b_ids": ids,
        "organiser_a": create_user(org_a, "organiser"),
        "admin_a": create_user(org_a, "admin"),
        "checkin_b": create_user(org_b, "checkin"),
    }


def _member_of_b(app, world) -> int:
    """A member-directory entry of organisation B (created when a route needs one)."""
    from eventsite.invitations.models import Member

    with app.app_context():
        member = Member(organisation_id=world["org_b"], email="bodil@bhemmelig.dk", name="Bodil Bhemmelig")
        db.session.add(member)
        db.session.commit()
        return member.id


def _day_of_b(app, world) -> int:
    """A bookable day of B's event (eventsite.payments)."""
    from eventsite.events.models import EventSession
    from eventsite.payments.models import EventDay

    with app.app_context():
        session = db.session.get(EventSession, world["b_ids"]["session_id"])
        day = EventDay(event_id=session.event_id, day=session.local_start.date(), label="B-dag")
        db.session.add(day)
        db.session.commit()
        return day.id


def _object_on_b_event(module: str, model_name: str, fields):
    """A factory for an object of another area that hangs on B's event (created on demand)."""

    def create(app, world) -> int:
        import importlib

        models = importlib.import_module(module)
        with app.app_context():
            obj = getattr(models, model_name)(event_id=world["b_ids"]["event_id"], **fields(world))
            db.session.add(obj)
            db.session.commit()
            return obj.id

    return create


def _agenda_item_of_b(app, world) -> int:
    """An agenda item of B's session (eventsite.meetings)."""
    from eventsite.meetings.models import AgendaItem

    with app.app_context():
        item = AgendaItem(session_id=world["b_ids"]["session_id"], position=1, title="Bodil Bhemmelig om budget")
        db.session.add(item)
        db.session.commit()
        return item.id


def _file_of_b(app, world) -> int:
    """A bilag of B's session (its row only: the access check comes before the file)."""
    from eventsite.meetings.files import stored_path
    from eventsite.meetings.models import MeetingFile, ShownTo

    with app.app_context():
        file = MeetingFile(
            session_id=world["b_ids"]["session_id"],
            position=1,
            title="Hemmeligt B-arrangement bilag",
            filename="b.pdf",
            stored_name=uuid.uuid4().hex,
            content_type="application/pdf",
            size_bytes=1,
            shown_to=ShownTo.PARTICIPANTS,
        )
        db.session.add(file)
        db.session.commit()
        os.makedirs(os.path.dirname(stored_path(file)), exist_ok=True)
        with open(stored_path(file), "wb") as handle:
            handle.write(b"%PDF-1.7 B")
        return file.id


def _series_of_b(app, world) -> int:
    from eventsite.meetings.models import MeetingSeries

    with app.app_context():
        series = MeetingSeries(organisation_id=world["org_b"], title="Hemmeligt B-arrangement", online_url=None)
        db.session.add(series)
        db.session.commit()
        return series.id


def _addon_fields(world) -> dict:
    from eventsite.payments.models import AddOnKind

    return {"kind": list(AddOnKind)[0], "title": "B-tilvalg"}


#: How to fill each URL parameter with something of organisation B's: a function of
#: (app, world). A new parameter name must be added here, or the tests fail loudly.
PARAMETERS = {
    "event_id": lambda app, world: world["b_ids"]["event_id"],
    "session_id": lambda app, world: world["b_ids"]["session_id"],
    "registration_id": lambda app, world: world["b_ids"]["registration_id"],
    "venue_id": lambda app, world: world["b_ids"]["venue_id"],
    "item_id": lambda app, world: world["b_ids"]["item_id"],
    "user_id": lambda app, world: world["b_ids"]["user_id"],
    "organisation_id": lambda app, world: world["org_b"],
    "member_id": _member_of_b,
    "day_id": _day_of_b,
    "addon_id": _object_on_b_event("eventsite.payments.models", "AddOn", _addon_fields),
    "row_id": _object_on_b_event(
        "eventsite.payments.models",
        "DayPriceRow",
        lambda world: {"days": 1, "member_price_ore": 0, "non_member_price_ore": 0},
    ),
    "request_id": _object_on_b_event(
        "eventsite.payments.models",
        "SubsidyRequest",
        lambda world: {"registration_id": world["b_ids"]["registration_id"]},
    ),
    "round_id": _object_on_b_event(
        "eventsite.invitations.models", "InvitationRound", lambda world: {"idempotency_key": "b-runde"}
    ),
    "agenda_item_id": _agenda_item_of_b,
    "file_id": _file_of_b,
    "series_id": _series_of_b,
    # Import previews are keyed by organisation and a random token.
    "token": lambda app, world: "ukendt-token",
    # Export formats: a real one, so the route gets as far as its access check.
    "fmt": lambda app, world: "csv",
}
#: Parameters filled with made-up values: even B's own staff get 404 for those routes.
MADE_UP_PARAMETERS = {"token"}


def organiser_rules(app):
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("organiser.")]
    assert len(rules) > 10, "the organiser blueprint seems not to be registered"
    return sorted(rules, key=lambda r: r.rule)


def url_with_b_ids(app, rule, world) -> str:
    values = {}
    for name in rule.arguments:
        if name not in PARAMETERS:
            pytest.fail(
                f"{rule.endpoint} ({rule.rule}) has the URL parameter <{name}>, which the access-rule test "
                f"does not know. Add it to PARAMETERS in {__file__} so the route is checked."
            )
        cache = world.setdefault("filled", {})
        if name not in cache:
            cache[name] = PARAMETERS[name](app, world)
        values[name] = cache[name]
    with app.test_request_context():
        return url_for(rule.endpoint, **values)


def urls_for_every_rule(app, world) -> list[tuple]:
    """(rule, url) for every organiser route; fills (and creates) B's objects up front."""
    return [(rule, url_with_b_ids(app, rule, world)) for rule in organiser_rules(app)]


def methods_of(rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def form_data(token: str, world) -> dict:
    """A POST body aimed at B: every id field set to B's objects."""
    data = {"csrf_token": token, "organisation_id": world["org_b"]}
    data.update({name: str(value) for name, value in world["b_ids"].items()})
    data.update({name: str(value) for name, value in world.get("filled", {}).items()})
    return data


def fingerprint_of_b(app, org_b: int) -> list:
    """Every row that belongs to organisation B, in any area's table, so a change anywhere shows.

    A row belongs to B through its organisation_id, or its event, session or
    registration; tables added later are covered without listing them here.
    """
    from eventsite.events.models import Event, EventSession
    from eventsite.registration.models import Registration

    with app.app_context():
        events = select(Event.id).where(Event.organisation_id == org_b).scalar_subquery()
        sessions = select(EventSession.id).where(EventSession.event_id.in_(events)).scalar_subquery()
        registrations = select(Registration.id).where(Registration.event_id.in_(events)).scalar_subquery()
        rows = []
        for table in db.metadata.sorted_tables:
            columns = table.c
            if "organisation_id" in columns:
                condition = columns.organisation_id == org_b
            elif "event_id" in columns:
                condition = columns.event_id.in_(events)
            elif "session_id" in columns:
                condition = columns.session_id.in_(sessions)
            elif "registration_id" in columns:
                condition = columns.registration_id.in_(registrations)
            else:
                continue
            found = db.session.execute(select(table).where(condition)).all()
            rows.append((table.name, sorted(repr(tuple(row)) for row in found)))
        db.session.rollback()
        return rows


def logged_in_client(app, world, who: str):
    client = app.test_client()
    response = log_in(client, user_email(app, world[who]))
    assert response.status_code == 303
    return client, csrf_token(client.get("/arrangoer/adgangskode").data)


def assert_no_b_details(response, where: str) -> None:
    body = response.get_data(as_text=True)
    for marker in B_MARKERS:
        assert marker not in body, f"{where} shows {marker!r} to someone outside organisation B"


def test_every_organiser_view_declares_who_may_use_it(app):
    for rule in organiser_rules(app):
        view = app.view_functions[rule.endpoint]
        assert getattr(view, _ACCESS_ATTR, None) is not None, (
            f"{rule.endpoint} has no public/login_required/role_required declaration"
        )


def test_anonymous_visitors_are_sent_to_the_login_page_from_every_route(app, world):
    client = app.test_client()
    token = csrf_token(client.get("/arrangoer/log-ind").data)
    checked = 0
    for rule, url in urls_for_every_rule(app, world):
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        for method in methods_of(rule):
            response = client.open(url, method=method, data=form_data(token, world) if method != "GET" else None)
            where = f"{method} {url} ({rule.endpoint})"
            assert response.status_code in (302, 303), f"{where} answered {response.status_code} without login"
            assert response.headers["Location"].startswith("/arrangoer/log-ind"), where
            assert_no_b_details(response, where)
            checked += 1
    assert checked > 20


def test_an_organiser_of_another_organisation_gets_404_everywhere(app, world):
    routes = urls_for_every_rule(app, world)
    before = fingerprint_of_b(app, world["org_b"])
    for who in ("organiser_a", "admin_a"):
        client, token = logged_in_client(app, world, who)
        for rule, url in routes:
            if rule.endpoint in PUBLIC_ENDPOINTS or rule.endpoint == "organiser.logout":
                continue
            for method in methods_of(rule):
                response = client.open(url, method=method, data=form_data(token, world) if method != "GET" else None)
                where = f"{who}: {method} {url} ({rule.endpoint})"
                if rule.arguments:
                    assert response.status_code == 404, f"{where} answered {response.status_code}, not 404"
                else:
                    assert response.status_code < 500, f"{where} failed with {response.status_code}"
                assert_no_b_details(response, where)
    assert fingerprint_of_b(app, world["org_b"]) == before, "a request from organisation A changed B's data"


def test_a_checkin_helper_reaches_only_the_checkin_screens(app, world):
    from eventsite import clock
    from eventsite.events.models import EventSession

    with app.app_context():
        door_opens = db.session.get(EventSession, world["b_ids"]["session_id"]).starts_at
    # On the day: a helper reaches a door list only around its session's time.
    with clock.travelled(door_opens):
        _a_checkin_helper_reaches_only_the_checkin_screens(app, world)


def _a_checkin_helper_reaches_only_the_checkin_screens(app, world):
    routes = urls_for_every_rule(app, world)
    before = fingerprint_of_b(app, world["org_b"])
    client, token = logged_in_client(app, world, "checkin_b")
    checkin_pages = 0
    for rule, url in routes:
        if rule.endpoint in PUBLIC_ENDPOINTS or rule.endpoint in ACCOUNT_ENDPOINTS:
            continue
        for method in methods_of(rule):
            where = f"check-in helper: {method} {url} ({rule.endpoint})"
            if is_checkin_endpoint(rule.endpoint):
                if method == "GET":
                    response = client.get(url)
                    assert response.status_code == 200, f"{where} answered {response.status_code}"
                    checkin_pages += 1
                continue
            response = client.open(url, method=method, data=form_data(token, world) if method != "GET" else None)
            assert response.status_code in (403, 404), f"{where} answered {response.status_code}"
            assert_no_b_details(response, where)
    assert fingerprint_of_b(app, world["org_b"]) == before, "a check-in helper changed data outside check-in"
    if any(is_checkin_endpoint(r.endpoint) for r in organiser_rules(app)):
        assert checkin_pages > 0


def test_an_unknown_url_parameter_makes_the_test_fail_loudly(app, world):
    class FakeRule:
        endpoint = "organiser.something_new"
        rule = "/arrangoer/nyt/<int:widget_id>"
        arguments = {"widget_id"}

    with pytest.raises(pytest.fail.Exception, match="widget_id"):
        url_with_b_ids(app, FakeRule(), world)


def test_the_organisations_own_administrator_can_open_every_page(app, world, create_user):
    """The mirror image: B's own administrator is not locked out of B's objects (GET pages)."""
    create_user(world["org_b"], "admin", email="b-admin@example.org")
    routes = urls_for_every_rule(app, world)
    client = app.test_client()
    assert log_in(client, "b-admin@example.org").status_code == 303
    for rule, url in routes:
        if "GET" not in rule.methods or rule.endpoint in PUBLIC_ENDPOINTS or rule.arguments & MADE_UP_PARAMETERS:
            continue
        response = client.get(url)
        # Close it as a WSGI server does: a streamed download (the exports) keeps its
        # request context, and with it the logged-in user, until it is closed.
        response.close()
        assert response.status_code in (200, 303), (
            f"B's administrator: GET {url} ({rule.endpoint}) answered {response.status_code}"
        )
