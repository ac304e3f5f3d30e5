"""Configuration and commands."""

import pytest
from sqlalchemy import func, select

import config
from eventsite import create_app
from eventsite.events.models import Event, EventSession, ProgrammeItem
from eventsite.extensions import db
from eventsite.registration.models import Registration, RegistrationStatus


def test_production_refuses_to_start_without_a_secret_key():
    class Production(config.Config):
        ENV_NAME = "production"
        SECRET_KEY = None
        SQLALCHEMY_DATABASE_URI = "sqlite://"

    with pytest.raises(RuntimeError, match="EVENTSITE_SECRET_KEY"):
        create_app(Production)


def test_production_refuses_to_print_emails_with_personal_data_to_the_log():
    class Production(config.Config):
        ENV_NAME = "production"
        SECRET_KEY = "x" * 40
        SQLALCHEMY_DATABASE_URI = "sqlite://"
        MAIL_BACKEND = "log"

    with pytest.raises(RuntimeError, match="EVENTSITE_MAIL_BACKEND"):
        create_app(Production)


def test_development_generates_a_secret_key_and_defaults_to_sqlite_in_the_instance_folder():
    class Development(config.Config):
        SECRET_KEY = None
        SQLALCHEMY_DATABASE_URI = None

    app = create_app(Development)
    assert len(app.config["SECRET_KEY"]) >= 32
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/eventsite.sqlite")


def test_seed_demo_loads_the_promised_events_once(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "admin@lederforeningen.example" in result.output
    login = app.test_client().get("/arrangoer/log-ind")
    assert login.status_code == 200
    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "already" in again.output
    with app.app_context():
        titles = db.session.execute(select(Event.title)).scalars().all()
        assert any("Temadag" in t for t in titles) and any("Årsmøde" in t for t in titles)
        cities = {s.venue.city for s in db.session.execute(select(EventSession)).scalars() if s.venue}
        assert {"Næstved", "Silkeborg", "Herlev"} <= cities
        temadag = db.session.execute(select(Event).where(Event.title.like("Temadag%"))).scalar_one()
        assert [s.local_start.month for s in temadag.sessions] == [5, 5]
        assert temadag.sessions[0].local_start.date() != temadag.sessions[1].local_start.date()
        programme = [
            (i.starts_at.strftime("%H:%M"), i.title) for i in db.session.execute(select(ProgrammeItem)).scalars()
        ]
        assert (
            ("08:30", "Morgenmad") in programme
            and ("08:45", "Velkomst") in programme
            and ("12:00", "Frokost") in programme
        )
        assert db.session.execute(select(func.count()).where(EventSession.online_url.is_not(None))).scalar_one() >= 1
        assert (
            db.session.execute(
                select(func.count(Registration.id)).where(Registration.status == RegistrationStatus.WAITLISTED)
            ).scalar_one()
            >= 1
        )
