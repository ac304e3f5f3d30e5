"""eventsite.web: the one transaction boundary (`writes`, `unit_of_work`) and `UserError`."""

import pytest
from flask import Blueprint, abort, render_template_string
from sqlalchemy import func, select

from eventsite.events.models import Organisation
from eventsite.extensions import db
from eventsite.web import UserError, keep_changes, reading, refuse, unit_of_work, writes
from tests.conftest import _empty_all_tables, _make_app


@pytest.fixture
def web_app(database_url):
    """A fresh app with a few test views, on the suite's database."""
    application = _make_app(database_url)
    bp = Blueprint("webtest", __name__)

    def add(name: str) -> None:
        db.session.add(Organisation(name=name, slug=name))
        db.session.flush()

    @bp.post("/ok/<name>")
    @writes()
    def ok(name):
        add(name)
        return "ok"

    @bp.post("/boom/<name>")
    @writes()
    def boom(name):
        add(name)
        raise RuntimeError("boom")

    @bp.post("/gone/<name>")
    @writes()
    def gone(name):
        add(name)
        abort(404)

    @bp.post("/refused/<name>")
    @writes()
    def refused(name):
        add(name)
        return "refused", 422

    @bp.post("/kept/<name>")
    @writes()
    def kept(name):
        add(name)
        keep_changes()
        return "kept", 401

    @bp.post("/refuse-then-render/<name>")
    @writes()
    def refuse_then_render(name):
        add(name)
        error = UserError("Navnet er optaget.", field="name")
        refuse(error)
        count = db.session.scalar(select(func.count()).select_from(Organisation))
        return render_template_string("{{ count }}", count=count)

    @bp.post("/read-only/<name>")
    def read_only(name):
        add(name)
        return "never"

    application.register_blueprint(bp)
    application.config["WTF_CSRF_ENABLED"] = False
    application.config["PROPAGATE_EXCEPTIONS"] = False
    with application.app_context():
        _empty_all_tables()
    yield application
    with application.app_context():
        _empty_all_tables()
        db.engine.dispose()


def _names(app) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(select(Organisation.name)))


def test_a_writing_view_commits_when_it_answers_below_400(web_app):
    assert web_app.test_client().post("/ok/a").status_code == 200
    assert _names(web_app) == {"a"}


@pytest.mark.parametrize("path, status", [("/boom/b", 500), ("/gone/c", 404), ("/refused/d", 422)])
def test_a_writing_view_that_raises_or_answers_an_error_changes_nothing(web_app, path, status):
    assert web_app.test_client().post(path).status_code == status
    assert _names(web_app) == set()


def test_keep_changes_commits_a_refusal_that_must_leave_a_trace(web_app):
    assert web_app.test_client().post("/kept/e").status_code == 401
    assert _names(web_app) == {"e"}


def test_refuse_throws_the_attempt_away_before_the_page_is_rendered(web_app):
    response = web_app.test_client().post("/refuse-then-render/f")
    assert response.get_data(as_text=True) == "0"
    assert _names(web_app) == set()


def test_a_view_without_writes_cannot_write(web_app):
    assert web_app.test_client().post("/read-only/g").status_code == 500
    assert _names(web_app) == set()


def test_unit_of_work_commits_or_rolls_back_as_a_whole(web_app):
    with web_app.app_context():
        with unit_of_work():
            db.session.add(Organisation(name="h", slug="h"))
        with pytest.raises(ValueError), unit_of_work():
            db.session.add(Organisation(name="i", slug="i"))
            db.session.flush()
            raise ValueError("stop")
        with pytest.raises(RuntimeError), unit_of_work(), reading():
            db.session.add(Organisation(name="j", slug="j"))
            db.session.flush()
    assert _names(web_app) == {"h"}


def test_every_route_that_accepts_a_post_declares_its_unit_of_work(app):
    missing = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.methods & {"POST", "PUT", "PATCH", "DELETE"}
        and not hasattr(app.view_functions[rule.endpoint], "eventsite_lock")
    ]
    assert missing == []


def test_a_user_error_keeps_its_lazy_message_and_field():
    error = UserError("Prisen skal være et tal.", field="price")
    assert error.message == "Prisen skal være et tal." and error.field == "price"
    assert str(error) == "Prisen skal være et tal."
