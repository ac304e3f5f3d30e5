"""The app's one clock: the suite runs at a fixed date, whatever the real date is."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta, timezone

import pytest

import config
from eventsite import clock, create_app
from eventsite.db import utcnow
from eventsite.events.models import LOCAL_TZ
from eventsite.geo.municipalities import region_for
from tests.conftest import FUTURE, SUITE_NOW


def test_the_suite_runs_at_its_fixed_date_and_the_clock_keeps_running():
    first = utcnow()
    time.sleep(0.01)
    second = utcnow()

    assert abs(first - SUITE_NOW) < timedelta(hours=2)  # the whole suite runs well within that
    assert second > first


def test_the_default_session_date_lies_before_the_region_reform_and_in_summer_time():
    assert FUTURE.date() < date(2027, 1, 1)
    assert region_for("0370", FUTURE.date()) == "Region Sjælland"
    assert FUTURE.astimezone(LOCAL_TZ).utcoffset() == timedelta(hours=2)


def test_travelled_moves_the_clock_for_a_block_and_then_back():
    before = utcnow()
    with clock.travelled(datetime(2030, 1, 1, tzinfo=timezone.utc)):
        assert utcnow().date() == date(2030, 1, 1)
    assert abs(utcnow() - before) < timedelta(minutes=1)


def test_travel_refuses_a_naive_datetime():
    with pytest.raises(ValueError):
        clock.travel_to(datetime(2030, 1, 1))


def test_an_app_started_with_a_clock_start_reads_that_date():
    class Started(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = "sqlite://"
        CLOCK_START = "2031-03-01T12:00:00+00:00"

    saved = utcnow()
    try:
        create_app(Started)
        assert utcnow().date() == date(2031, 3, 1)
    finally:
        clock.travel_to(saved)


def test_production_refuses_a_moved_clock():
    class Production(config.Config):
        ENV_NAME = "production"
        SECRET_KEY = "x" * 40
        SQLALCHEMY_DATABASE_URI = "sqlite://"
        CLOCK_START = "2031-03-01T12:00:00+00:00"

    with pytest.raises(RuntimeError, match="EVENTSITE_CLOCK_START"):
        create_app(Production)
