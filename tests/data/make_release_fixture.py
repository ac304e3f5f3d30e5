"""Make the "previous release" fixture: that release's demo data, dumped once, committed.

    .venv/bin/python tests/data/make_release_fixture.py [--commit 52a29a7]

needs git (a clone with the commit), PostgreSQL's pg_dump and a server in
EVENTSITE_TEST_DATABASE_URL. It exports the release's tree with `git archive`, runs
that release's own `db upgrade` and `seed-demo` (on the suite's clock, so the demo's
dates fall where the suite expects them) on a fresh SQLite file and a fresh
PostgreSQL database, and writes the rows (not the schema: the migrations build that)
as one data-only SQL file per database, plus a JSON file with the release's
revision and row counts:

    tests/data/release-<commit>-sqlite.sql
    tests/data/release-<commit>-postgresql.sql
    tests/data/release-<commit>.json

tests/test_release_upgrade.py migrates a fresh database to that revision with today's
migrations, loads the rows and upgrades to head. Why committed files rather than a
`git worktree` at test time: the test then runs from any copy of the code (a
tarball, a shallow clone, `pip install .` in tests/test_packaging.py), needs neither
git nor pg_dump, is fast, and pins exactly the rows that the release wrote, even if
the old seed-demo could no longer run with today's libraries.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import uuid

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
#: The suite's clock (tests/conftest.py): Monday 4 May 2026, 10:00 in Copenhagen.
SUITE_NOW = "2026-05-04T08:00:00+00:00"
SKIPPED_TABLES = {"alembic_version"}


def run_release(tree: str, database_url: str, *arguments: str) -> str:
    env = {name: value for name, value in os.environ.items() if not name.startswith("EVENTSITE_")}
    env.update(
        EVENTSITE_DATABASE_URL=database_url,
        EVENTSITE_SECRET_KEY="release-fixture-" + "k" * 32,
        EVENTSITE_CLOCK_START=SUITE_NOW,
        EVENTSITE_INSTANCE_PATH=os.path.join(tree, "instance"),
        PYTHONPATH=tree,  # the release's package, ahead of the editable install of today's
    )
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *arguments],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def export_tree(commit: str, folder: str) -> str:
    tree = os.path.join(folder, "release")
    os.makedirs(tree)
    archive = subprocess.run(["git", "archive", commit], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", tree], input=archive, check=True)
    return tree


def sqlite_rows(path: str) -> tuple[str, dict[str, int]]:
    connection = sqlite3.connect(path)
    statements, counts = [], {}
    try:
        for statement in connection.iterdump():
            if statement.startswith("INSERT INTO "):
                table = statement[len("INSERT INTO ") :].split(" ", 1)[0].strip('"')
                if table in SKIPPED_TABLES or table.startswith("sqlite_"):
                    continue
                counts[table] = counts.get(table, 0) + 1
                statements.append(statement)
    finally:
        connection.close()
    return "\n".join(statements) + "\n", counts


def postgres_rows(url: str, pg_dump: str) -> str:
    libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    dump = subprocess.run(
        [pg_dump, "--data-only", "--inserts", "--column-inserts", "--disable-triggers", "--no-owner",
         "--no-privileges", "--exclude-table-data=alembic_version", libpq],
        capture_output=True,
        text=True,
        check=True,
    ).stdout  # fmt: skip
    # psql's meta-commands (\restrict, \connect) are for psql; the test runs plain SQL.
    lines = [line for line in dump.splitlines() if not line.startswith("\\")]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commit", default="52a29a7")
    parser.add_argument("--pg-dump", default="/usr/lib/postgresql/15/bin/pg_dump")
    options = parser.parse_args()
    server = os.environ["EVENTSITE_TEST_DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", options.commit], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()

    with tempfile.TemporaryDirectory() as folder:
        tree = export_tree(commit, folder)
        sqlite_path = os.path.join(folder, "demo.sqlite")
        sqlite_url = f"sqlite:///{sqlite_path}"
        run_release(tree, sqlite_url, "db", "upgrade")
        run_release(tree, sqlite_url, "seed-demo")
        revision = run_release(tree, sqlite_url, "db", "current").split()[0]
        sqlite_sql, counts = sqlite_rows(sqlite_path)

        name = f"release_fixture_{uuid.uuid4().hex[:8]}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            pg_url = make_url(server).set(database=name).render_as_string(hide_password=False)
            run_release(tree, pg_url, "db", "upgrade")
            run_release(tree, pg_url, "seed-demo")
            postgres_sql = postgres_rows(pg_url, options.pg_dump)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()

    prefix = os.path.join(HERE, f"release-{commit}")
    header = f"-- eventsite release {commit} (schema {revision}): its seed-demo's rows; made by {os.path.basename(__file__)}\n"
    with open(f"{prefix}-sqlite.sql", "w", encoding="utf-8") as handle:
        handle.write(header + sqlite_sql)
    with open(f"{prefix}-postgresql.sql", "w", encoding="utf-8") as handle:
        handle.write(header + postgres_sql)
    with open(f"{prefix}.json", "w", encoding="utf-8") as handle:
        json.dump({"commit": commit, "revision": revision, "clock": SUITE_NOW, "rows": counts}, handle, indent=2)
        handle.write("\n")
    print(f"release {commit}, schema {revision}: {sum(counts.values())} rows in {len(counts)} tables -> {prefix}-*")


if __name__ == "__main__":
    main()
