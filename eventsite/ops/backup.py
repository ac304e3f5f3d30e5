"""`flask --app wsgi backup PATH`: a consistent copy of the live SQLite database.

SQLite's online backup API (`sqlite3.Connection.backup`) copies the database as one
snapshot while the site keeps serving: in WAL mode (eventsite/db.py) the copy reads
without blocking the web processes' writes, and what it copies is the database as it
was at one instant, never half a sign-up. The copy is written beside PATH, checked
(`PRAGMA integrity_check`), made readable by its owner only (it is members' personal
data) and then renamed to PATH, so PATH is either the whole copy or absent.

PostgreSQL has its own tools for this; the command refuses there and prints them
(`pg_dump -Fc` and `pg_restore`, as in the README's "Running in production").
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass

import click
from flask import Flask, current_app
from sqlalchemy.engine import make_url

#: Exit status when the database is not SQLite (nothing was written).
NOT_SQLITE = 2


@dataclass(frozen=True)
class BackupReport:
    path: str
    size: int
    events: int
    registrations: int


class NotSQLite(Exception):
    """The database is PostgreSQL (or another server): its own dump tools apply."""


def sqlite_path(uri: str) -> str:
    """The database file of an sqlite:/// URL."""
    url = make_url(uri)
    if url.get_backend_name() != "sqlite":
        raise NotSQLite(url.get_backend_name())
    if not url.database or url.database == ":memory:":
        raise click.ClickException("The SQLite database is in memory: there is nothing to back up.")
    return url.database


def backup_sqlite(source: str, destination: str) -> BackupReport:
    """Copy the live database `source` to `destination` with SQLite's online backup API."""
    destination = os.path.abspath(destination)
    if os.path.exists(destination):
        raise click.ClickException(f"{destination} exists already; choose a new name (backups are never overwritten).")
    folder = os.path.dirname(destination)
    if not os.path.isdir(folder):
        raise click.ClickException(f"The folder {folder} does not exist.")
    partial = f"{destination}.partial-{os.getpid()}"
    # Created empty and private before SQLite opens it: the copy holds personal data.
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
        writer = sqlite3.connect(partial)
        try:
            # One step (pages=-1): the copy is the database as of one read transaction,
            # which in WAL mode never blocks the site's writers.
            reader.backup(writer, pages=-1)
            writer.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            (verdict,) = writer.execute("PRAGMA integrity_check").fetchone()
            if verdict != "ok":
                raise click.ClickException(f"The copy failed SQLite's integrity check: {verdict}")
            (events,) = writer.execute("SELECT count(*) FROM events").fetchone()
            (registrations,) = writer.execute("SELECT count(*) FROM registrations").fetchone()
        finally:
            writer.close()
            reader.close()
        os.replace(partial, destination)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(partial)
        raise
    return BackupReport(destination, os.path.getsize(destination), events, registrations)


def postgres_commands(uri: str) -> str:
    """What to run instead on PostgreSQL: pg_dump -Fc and pg_restore, password left out."""
    url = make_url(uri)
    name = url.database or "eventsite"
    options = []
    if url.host:
        options.append(f"--host={url.host}")
    if url.port:
        options.append(f"--port={url.port}")
    if url.username:
        options.append(f"--username={url.username}")
    connection = " ".join(options)
    connection = f"{connection} " if connection else ""
    return (
        "The database is PostgreSQL: back it up with PostgreSQL's own tools, while the site runs:\n"
        f"  pg_dump -Fc {connection}--file=eventsite-$(date +%Y%m%d-%H%M).dump {name}\n"
        "Restore into a new, empty database (then point EVENTSITE_DATABASE_URL at it):\n"
        f"  createdb {connection}--owner={url.username or 'eventsite'} {name}_restored\n"
        f"  pg_restore {connection}--no-owner --role={url.username or 'eventsite'}"
        f" --dbname={name}_restored eventsite-YYYYMMDD-HHMM.dump\n"
        "(The password, if any, comes from ~/.pgpass or PGPASSWORD; it is not printed here.)"
    )


def register_cli(app: Flask) -> None:
    @app.cli.command("backup")
    @click.argument("path", type=click.Path(dir_okay=False))
    def backup_command(path: str) -> None:
        """Copy the live SQLite database to PATH (PostgreSQL: prints the pg_dump commands)."""
        uri = current_app.config["SQLALCHEMY_DATABASE_URI"]
        try:
            source = sqlite_path(uri)
        except NotSQLite:
            click.echo(postgres_commands(uri), err=True)
            raise SystemExit(NOT_SQLITE) from None
        report = backup_sqlite(source, path)
        click.echo(
            f"Backed up {source} to {report.path}: {report.size} bytes, {report.events} events,"
            f" {report.registrations} registrations, integrity ok."
        )
        click.echo("Restore: stop the site, copy the file over the database file, start the site.")
