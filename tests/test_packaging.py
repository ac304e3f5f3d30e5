"""Every way of installing the app serves it in Danish, without `make`.

A deploy script or a container build runs `pip install -e .` or `pip install .` in a
checkout and serves from there (templates/ and migrations/ live at the repository
root). The compiled catalogues (.mo) are committed for that; here a fresh clone of the
committed HEAD is installed with plain pip into a throwaway venv and must show Danish
words and Danish dates. The venv reuses this environment's packages through a .pth
file (`--no-deps`), so only the build itself is new and no network is needed beyond
what pip finds for setuptools.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.conftest import skip_or_fail

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]

# Run by the throwaway venv's Python in the clone, as `flask --app wsgi` or
# `gunicorn wsgi:app` would be: migrate, load the demo, fetch the front page.
SERVE = """
import sys
from flask_migrate import upgrade
import eventsite
from wsgi import app

print(eventsite.__file__)
with app.app_context():
    upgrade()
result = app.test_cli_runner().invoke(args=["seed-demo"])
assert result.exit_code == 0, result.output
page = app.test_client().get("/")
print(page.status_code)
sys.stdout.write(page.get_data(as_text=True))
"""

DANISH_DATE = re.compile(
    r"(mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag) den \d{1,2}\. "
    r"(januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december) \d{4} "
    r"kl\. \d{2}\.\d{2}"
)


def _run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(args, capture_output=True, text=True, timeout=300, **kwargs)
    assert result.returncode == 0, f"{' '.join(map(str, args))}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def fresh_clone(tmp_path_factory) -> Path:
    """The committed HEAD of this repository, cloned: no .venv, no compiled leftovers."""
    if shutil.which("git") is None or not (REPO / ".git").exists():
        skip_or_fail("the packaging test needs git and a git checkout")
    head = _run(["git", "-C", str(REPO), "rev-parse", "HEAD"]).stdout.strip()
    clone = tmp_path_factory.mktemp("clone") / "eventsite"
    _run(["git", "clone", "--quiet", "--no-checkout", str(REPO), str(clone)])
    _run(["git", "-C", str(clone), "checkout", "--quiet", head])
    return clone


@pytest.mark.parametrize("editable", [True, False], ids=["pip-install-e", "pip-install"])
def test_a_fresh_clone_installed_with_plain_pip_serves_danish_pages(fresh_clone, tmp_path, editable):
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    venv_site = Path(
        _run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip()
    )
    # This environment's packages, as a plain path entry: its own .pth files (the
    # editable hook of the checkout under test) are not processed, so `eventsite`
    # can only come from the clone.
    (venv_site / "reuse-test-environment.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    target = ["-e", str(fresh_clone)] if editable else [str(fresh_clone)]
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", *target])

    catalogues = sorted(fresh_clone.glob("eventsite/**/translations/da/LC_MESSAGES/messages.po"))
    assert catalogues
    if not editable:
        # The wheel carries the compiled catalogues too (package data).
        installed = sorted((venv_site / "eventsite").glob("**/translations/da/LC_MESSAGES/messages.mo"))
        assert len(installed) == len(catalogues)

    env = {name: value for name, value in os.environ.items() if not name.startswith(("EVENTSITE_", "PYTHON"))}
    env.update(
        EVENTSITE_DATABASE_URL=f"sqlite:///{tmp_path / 'eventsite.sqlite'}",
        EVENTSITE_SECRET_KEY="packaging-test",
        EVENTSITE_CLOCK_START="2026-05-04T08:00:00+00:00",
    )
    served = _run([str(python), "-c", SERVE], cwd=fresh_clone, env=env).stdout
    module_file, status, page = served.split("\n", 2)

    assert Path(module_file).is_relative_to(fresh_clone)
    assert status == "200"
    assert "Kommende arrangementer" in page
    assert "ledige pladser" in page
    assert "Upcoming" not in page
    assert DANISH_DATE.search(page), page
