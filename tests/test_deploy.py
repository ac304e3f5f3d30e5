"""The production recipe under deploy/: systemd units, the nginx site, the environment template.

The units are checked with `systemd-analyze verify` and the nginx site with `nginx -t`,
with the recipe's paths pointed at this checkout and a temporary folder; then nginx
really runs in front of gunicorn, over TLS with a throwaway self-signed certificate.
Without systemd-analyze, nginx or openssl these tests skip (fail under
EVENTSITE_TEST_REQUIRE_ALL=1; `.ci/run` installs them).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import requests
from flask import url_for

from config import Config
from eventsite import create_app
from eventsite.mail.jobs import interval, registered_jobs
from eventsite.ops.deploy_check import config_variables, known_variables
from tests.conftest import skip_or_fail
from tests.live_server import ROOT, free_port, live_server

DEPLOY = Path(ROOT) / "deploy"
UNITS = ["eventsite-web.service", "eventsite-worker.service", "eventsite-backup.service"]
HARDENING = ["NoNewPrivileges=yes", "ProtectSystem=strict", "PrivateTmp=yes", "ProtectHome=yes"]


def need(tool: str) -> str:
    path = shutil.which(tool) or (f"/usr/sbin/{tool}" if os.path.exists(f"/usr/sbin/{tool}") else None)
    if path is None:
        skip_or_fail(f"the deploy recipe test needs {tool} (apt-get install {tool.replace('-analyze', '')})")
    return path


def template_variables() -> dict[str, str]:
    """The environment template's variables (set or shown commented) and their values."""
    found = {}
    for line in (DEPLOY / "eventsite.env.example").read_text().splitlines():
        match = re.match(r"^#?([A-Z][A-Z0-9_]*)=(.*)$", line)
        if match:
            found[match.group(1)] = match.group(2)
    return found


def readme_table_variables() -> set[str]:
    readme = (Path(ROOT) / "README.md").read_text()
    rows = [line for line in readme.splitlines() if line.startswith("| `EVENTSITE_")]
    return {name for row in rows for name in re.findall(r"`(EVENTSITE_[A-Z0-9_]+)`", row.split("|")[1])}


# --- the environment template and the README ---------------------------------------------


def test_the_template_and_the_readme_table_list_exactly_the_variables_the_code_reads(app):
    read = set(known_variables(app))
    assert set(config_variables()) <= read
    assert {"EVENTSITE_JOB_REMINDERS_MINUTES", "EVENTSITE_JOB_RETENTION_MINUTES"} <= read
    in_template = {name for name in template_variables() if name.startswith("EVENTSITE_")}
    assert in_template == read, (sorted(read - in_template), sorted(in_template - read))
    # The README also documents the test-suite's own variables.
    in_readme = {name for name in readme_table_variables() if not name.startswith("EVENTSITE_TEST_")}
    assert in_readme == read, (sorted(read - in_readme), sorted(in_readme - read))


def test_every_periodic_job_has_its_interval_in_configuration(app, monkeypatch):
    with app.app_context():
        jobs = registered_jobs()
        assert {job.name for job in jobs} >= {"reminders", "retention", "signup_holds", "minutes_approval"}
        for job in jobs:
            monkeypatch.setitem(app.config, "JOB_MINUTES", {job.name: 7})
            assert interval(job).total_seconds() == 7 * 60, job.name


def test_the_readme_never_sends_anyone_to_cron():
    readme = (Path(ROOT) / "README.md").read_text().lower()
    assert "cron" not in readme


def test_the_template_sets_what_production_needs():
    values = template_variables()
    assert values["EVENTSITE_ENV"] == "production"
    assert values["EVENTSITE_LOG_FORMAT"] == "json"
    assert values["EVENTSITE_PROXY_HOPS"] == "1"
    assert values["EVENTSITE_MAIL_USE_TLS"] == "true"
    assert values["EVENTSITE_RATELIMIT_STORAGE_URI"].startswith("redis://")
    assert values["EVENTSITE_BASE_URL"].startswith("https://")


# --- systemd -----------------------------------------------------------------------------


def _localised_units(tmp_path: Path) -> list[Path]:
    """The units with the checkout and the environment file where this machine has them."""
    env_file = tmp_path / "eventsite.env"
    env_file.write_text((DEPLOY / "eventsite.env.example").read_text())
    paths = []
    for name in UNITS:
        text = (DEPLOY / "systemd" / name).read_text()
        text = text.replace("/srv/eventsite/app", ROOT).replace("/etc/eventsite/eventsite.env", str(env_file))
        text = text.replace("/usr/local/bin/eventsite-backup", str(DEPLOY / "eventsite-backup"))
        path = tmp_path / name
        path.write_text(text)
        paths.append(path)
    return paths


def test_the_systemd_units_pass_systemd_analyze_verify(tmp_path):
    analyze = need("systemd-analyze")
    assert os.access(Path(ROOT) / ".venv" / "bin" / "gunicorn", os.X_OK)
    result = subprocess.run(
        [analyze, "verify", "--man=no", *map(str, _localised_units(tmp_path)), str(_timer(tmp_path))],
        capture_output=True,
        text=True,
        timeout=60,
    )
    # verify exits 0 on unknown keys and bad values too, but names them: nothing may be said.
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def _timer(folder: Path) -> Path:
    timer = folder / "eventsite-backup.timer"
    timer.write_text((DEPLOY / "systemd" / "eventsite-backup.timer").read_text())
    return timer


@pytest.mark.parametrize("unit", UNITS)
def test_a_unit_runs_as_its_own_user_hardened_and_restarts(unit):
    text = (DEPLOY / "systemd" / unit).read_text()
    for line in [*HARDENING, "User=eventsite", "EnvironmentFile=/etc/eventsite/eventsite.env"]:
        assert re.search(rf"^{re.escape(line)}$", text, re.M), (unit, line)
    if "Type=oneshot" not in text:  # the backup runs once per timer tick
        assert re.search(r"^Restart=(on-failure|always)$", text, re.M)
    writable = re.search(r"^ReadWritePaths=(.+)$", text, re.M).group(1).split()
    assert template_variables()["EVENTSITE_INSTANCE_PATH"] in writable


def test_the_web_unit_runs_gunicorn_with_the_shipped_configuration():
    text = (DEPLOY / "systemd" / "eventsite-web.service").read_text()
    assert "gunicorn --config python:eventsite.gunicorn_conf" in text and "wsgi:app" in text
    assert "--bind 127.0.0.1:8000" in text
    assert "server 127.0.0.1:8000;" in (DEPLOY / "nginx" / "eventsite.conf").read_text()


def test_the_shipped_configuration_compiles_the_public_templates_before_the_first_request(app):
    """Without --preload (the recipe) each worker warms itself after loading the app; with
    --preload (the tests' and benchmarks' servers) the master does, once, before forking."""
    from types import SimpleNamespace

    from eventsite import gunicorn_conf

    def compiled() -> set[str]:
        return {name for _loader, name in app.jinja_env.cache.keys()} if app.jinja_env.cache is not None else set()

    app.jinja_env.cache.clear()
    gunicorn_conf.post_worker_init(SimpleNamespace(cfg=SimpleNamespace(preload_app=True), wsgi=app))
    assert "events/event.html" not in compiled()  # with --preload the worker leaves it to the master
    gunicorn_conf.when_ready(
        SimpleNamespace(cfg=SimpleNamespace(preload_app=True), app=SimpleNamespace(wsgi=lambda: app))
    )
    warmed = compiled()
    assert {"events/event.html", "base.html", "registration/receipt.html", "_macros/forms.html"} <= warmed
    assert not any(name.startswith(("organiser/", "emails/")) for name in warmed)

    app.jinja_env.cache.clear()
    gunicorn_conf.post_worker_init(SimpleNamespace(cfg=SimpleNamespace(preload_app=False), wsgi=app))
    assert "events/event.html" in compiled()


# --- nginx -------------------------------------------------------------------------------


def _certificate(folder: Path) -> tuple[Path, Path]:
    openssl = need("openssl")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
        timeout=60,
    )  # fmt: skip
    return cert, key


def _nginx_config(folder: Path, *, upstream_port: int = 8000, http_port: int = 80, https_port: int = 443) -> Path:
    """A main nginx.conf that includes the recipe's files, every path in `folder`."""
    cert, key = _certificate(folder)
    proxy = folder / "eventsite-proxy.conf"
    proxy.write_text((DEPLOY / "nginx" / "eventsite-proxy.conf").read_text())
    site = (DEPLOY / "nginx" / "eventsite.conf").read_text()
    for old, new in {
        "/etc/letsencrypt/live/arrangementer.example.dk/fullchain.pem": str(cert),
        "/etc/letsencrypt/live/arrangementer.example.dk/privkey.pem": str(key),
        "/srv/eventsite/app/static/": f"{ROOT}/static/",
        "/etc/nginx/snippets/eventsite-proxy.conf": str(proxy),
        "/var/log/nginx/eventsite.access.log": str(folder / "access.log"),
        "root /var/www/html;": f"root {folder / 'acme'};",
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{upstream_port};",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
    }.items():
        assert old in site, old
        site = site.replace(old, new)
    site = "\n".join(line for line in site.splitlines() if "listen [::]" not in line)  # no IPv6 needed here
    (folder / "eventsite.conf").write_text(site)
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main = folder / "nginx.conf"
    main.write_text(
        f"""{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
daemon off;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
{temp}
    include {DEPLOY / "nginx" / "eventsite-log-format.conf"};
    include {folder / "eventsite.conf"};
}}
"""
    )
    return main


def test_the_nginx_site_passes_nginx_t(tmp_path):
    nginx = need("nginx")
    main = _nginx_config(tmp_path)
    result = subprocess.run(
        [nginx, "-t", "-c", str(main), "-p", str(tmp_path), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr and "test is successful" in result.stderr
    assert "[warn]" not in result.stderr, result.stderr


def test_the_nginx_upload_limits_match_the_apps():
    site = (DEPLOY / "nginx" / "eventsite.conf").read_text()
    limits = re.findall(r"client_max_body_size (\d+)m;", site)
    assert int(limits[0]) * 1024 * 1024 == Config.MAX_CONTENT_LENGTH
    assert int(limits[1]) == Config.MEMBER_IMPORT_MAX_MB
    # The import location's pattern matches the import view's real path.
    with create_app(_TestConfigForUrls).test_request_context():
        path = url_for("organiser.member_import", organisation_id=12)
    pattern = re.search(r"location ~ (\^/arrangoer/\S+\$)", site).group(1)
    assert re.match(pattern, path), (pattern, path)


class _TestConfigForUrls(Config):
    TESTING = True
    SECRET_KEY = "urls-only"


@pytest.mark.slow
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_nginx_in_front_of_gunicorn_serves_tls_static_files_and_limits_as_the_recipe_says(app, database_url, tmp_path):
    nginx = need("nginx")
    env = {"EVENTSITE_LOG_FORMAT": "json", "EVENTSITE_PROXY_HOPS": "1"}
    with live_server(database_url, workers=1, config="python:eventsite.gunicorn_conf", env=env) as server:
        http_port, https_port = free_port(), free_port()
        main = _nginx_config(tmp_path, upstream_port=server.port, http_port=http_port, https_port=https_port)
        process = subprocess.Popen(
            [nginx, "-c", str(main), "-p", str(tmp_path), "-e", str(tmp_path / "error.log")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            site = f"https://127.0.0.1:{https_port}"
            web = requests.Session()
            web.trust_env = False  # REQUESTS_CA_BUNDLE would replace our certificate
            web.verify = str(tmp_path / "cert.pem")
            _wait_for(lambda: web.get(f"{site}/healthz", timeout=2))
            health = web.get(f"{site}/healthz")
            versioned = web.get(f"{site}/static/style.css?v=abc123")
            plain = web.get(f"{site}/static/style.css")
            metrics = web.get(f"{site}/metrics")
            too_big = web.post(f"{site}/arrangementer/1/tilmeld", data=b"x" * (3 * 1024 * 1024))
            member_file = web.post(f"{site}/arrangoer/organisationer/1/medlemmer/import", data=b"x" * (3 * 1024 * 1024))
            redirect = web.get(f"http://127.0.0.1:{http_port}/arrangementer", allow_redirects=False, timeout=5)
            web.close()
            time.sleep(0.3)
            log = server.log()
        finally:
            process.terminate()
            process.wait(timeout=10)

    assert health.status_code == 200 and health.text == "ok\n"
    assert re.fullmatch(r"[0-9a-f]{32}", health.headers["X-Request-ID"])  # nginx's $request_id ...
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    assert any(line.get("request_id") == health.headers["X-Request-ID"] for line in lines)  # ... in the app's log
    assert health.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert versioned.status_code == 200 and "immutable" in versioned.headers["Cache-Control"]
    assert "X-Request-ID" not in versioned.headers  # nginx served it; the app never saw it
    assert plain.headers["Cache-Control"] == "public, max-age=3600"
    assert versioned.content == (Path(ROOT) / "static" / "style.css").read_bytes()
    assert metrics.status_code == 404 and "X-Request-ID" not in metrics.headers
    assert too_big.status_code == 413
    # nginx let the 3 MB through to the app (no 413 from nginx): the app logged the POST to
    # the import and answered it, an anonymous visitor, with the way to the login. (The app
    # answers before reading the body, so nginx may see the connection close on the unread
    # rest; what reaches the visitor then is nginx's business, what matters here is that the
    # recipe's body limit for the import is the larger one.)
    assert member_file.status_code != 413
    assert any(
        line.get("event") == "request"
        and line.get("method") == "POST"
        and line.get("rule") == "/arrangoer/organisationer/<int:organisation_id>/medlemmer/import"
        and line.get("status") in (302, 303)
        for line in lines
    ), "the 3 MB import upload never reached the app"
    assert (redirect.status_code, redirect.headers["Location"]) == (301, "https://127.0.0.1/arrangementer")


def _wait_for(request) -> None:
    deadline = time.monotonic() + 15
    while True:
        try:
            request()
            return
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
