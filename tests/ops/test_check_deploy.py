"""`flask --app wsgi check-deploy` on good and bad production settings, run as an operator would."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest

from tests.live_server import ROOT
from tests.test_limits_live import redis_url  # noqa: F401  (the fixture: a Redis for the good settings)

pytestmark = pytest.mark.slow


def check_deploy(**settings: str) -> tuple[int, str]:
    """Run the command in a fresh process with only these settings (no EVENTSITE_* of ours)."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(("EVENTSITE_", "FLASK_"))}
    env.pop("WEB_CONCURRENCY", None)
    env.pop("GUNICORN_CMD_ARGS", None)
    env["PYTHONPATH"] = ROOT
    env.update(settings)
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "check-deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result.returncode, result.stdout + result.stderr


def good_settings(database_url: str, redis: str, instance: str) -> dict[str, str]:
    return {
        "EVENTSITE_ENV": "production",
        "EVENTSITE_SECRET_KEY": secrets.token_urlsafe(48),
        "EVENTSITE_BASE_URL": "https://arrangementer.example.dk",
        "EVENTSITE_DATABASE_URL": database_url,
        "EVENTSITE_INSTANCE_PATH": instance,
        "EVENTSITE_MAIL_SERVER": "smtp.example.dk",
        "EVENTSITE_MAIL_PORT": "587",
        "EVENTSITE_MAIL_USE_TLS": "true",
        "EVENTSITE_MAIL_DEFAULT_SENDER": "arrangementer@example.dk",
        "EVENTSITE_RATELIMIT_STORAGE_URI": redis,
        "EVENTSITE_PROXY_HOPS": "1",
        "EVENTSITE_LOG_FORMAT": "json",
        "EVENTSITE_JOB_RETENTION_MINUTES": "720",
        "WEB_CONCURRENCY": "4",
    }


def test_good_production_settings_pass_with_exit_status_0(database_url, redis_url, tmp_path):  # noqa: F811
    status, output = check_deploy(**good_settings(database_url, redis_url, str(tmp_path)))

    assert status == 0, output
    assert "ERROR" not in output
    assert "No errors" in output
    assert "EVENTSITE_SECRET_KEY is set and long enough." in output
    assert "shared by every web worker" in output
    assert "at the migrations' head" in output
    if database_url.startswith("sqlite"):
        assert "WARNING  The database is SQLite" in output  # risky, not wrong
    else:
        assert "WARNING" not in output, output


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_bad_settings_are_each_named_plainly_with_exit_status_1(database_url, tmp_path):
    never_migrated = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    status, output = check_deploy(
        EVENTSITE_ENV="production",
        EVENTSITE_SECRET_KEY="kort-nøgle",
        EVENTSITE_BASE_URL="http://arrangementer.example.dk",
        EVENTSITE_DATABASE_URL=never_migrated,
        EVENTSITE_INSTANCE_PATH="/proc/self",  # a folder nobody, root included, can write in
        EVENTSITE_MAIL_SERVER="smtp.example.dk",
        EVENTSITE_MAIL_PORT="25",
        EVENTSITE_RATELIMIT_STORAGE_URI="memory://",
        EVENTSITE_JOB_REMINDER_MINUTES="5",  # a typo: the job is called "reminders"
        WEB_CONCURRENCY="4",
        FLASK_DEBUG="1",
    )

    assert status == 1, output
    for expected in (
        "EVENTSITE_SECRET_KEY has 10 characters; use at least 32",
        "EVENTSITE_BASE_URL is 'http://arrangementer.example.dk': links in emails must be https://",
        "SMTP to smtp.example.dk:25 without TLS",
        "Rate limits count in memory with 4 web workers",
        "EVENTSITE_PROXY_HOPS is 0 but the site runs behind nginx",
        "/proc/self is not writable",
        "schema is at nothing, the code needs",
        "Debug mode is on",
        "EVENTSITE_JOB_REMINDER_MINUTES is set but eventsite does not read it",
        "WARNING  The database is SQLite",
    ):
        assert expected in output, (expected, output)
    assert "kort-nøgle" not in output  # the key itself is never printed


def test_settings_production_refuses_to_start_with_are_reported_not_raised(tmp_path):
    status, output = check_deploy(
        EVENTSITE_ENV="production",
        EVENTSITE_MAIL_BACKEND="log",
        EVENTSITE_DATABASE_URL="postgresql://nobody@127.0.0.1:1/nothing",
        EVENTSITE_INSTANCE_PATH=str(tmp_path),
    )

    assert status == 1, output
    assert "Traceback" not in output
    assert "EVENTSITE_SECRET_KEY is not set" in output
    assert "EVENTSITE_MAIL_BACKEND is 'log'" in output
    assert "The database does not answer (OperationalError)" in output


def test_the_web_app_itself_still_refuses_those_settings(tmp_path):
    env = {name: value for name, value in os.environ.items() if not name.startswith("EVENTSITE_")}
    env.update(EVENTSITE_ENV="production", EVENTSITE_INSTANCE_PATH=str(tmp_path), PYTHONPATH=ROOT)
    result = subprocess.run(
        [sys.executable, "-c", "import wsgi"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "EVENTSITE_SECRET_KEY must be set when EVENTSITE_ENV=production." in result.stderr
