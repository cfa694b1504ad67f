"""A throwaway PostgreSQL cluster in a temp folder, for the tests and the bench scripts.

`initdb` + `pg_ctl` from the distribution's packages (e.g. /usr/lib/postgresql/15/bin). The
server refuses to run as root, and CI runs as root: then the folder is handed to the `postgres`
system user and every server program runs as that user (`runuser -u postgres --`). It listens
only on a unix socket inside the folder, so clusters of parallel runs never meet. Durability is
off (fsync, synchronous_commit): the data is thrown away anyway.

A fresh database per test is a copy of a template that already holds the newest schema.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.system_parts import find_program

PG_DIRS = ("/usr/lib/postgresql/*/bin", "/usr/local/pgsql/bin", "/opt/homebrew/bin")
MISSING = "no initdb/pg_ctl here (Debian: apt install postgresql)"
PORT = 55400  # names the socket file only: TCP is off
TEMPLATE = "counter_template"


def find_pg_bin() -> Path | None:
    found = find_program("pg_ctl", extra_dirs=PG_DIRS)
    folder = Path(found).resolve().parent if found else None
    if folder is not None and (folder / "initdb").exists():
        return folder
    return None


def _run_as() -> list[str]:
    if os.geteuid() != 0:
        return []
    return ["runuser", "-u", "postgres", "--"]


class Cluster:
    """One running cluster; `url(name)` is a SQLAlchemy URL of database `name` in it."""

    def __init__(self, bin_dir: Path, *, durable: bool = False) -> None:
        self.bin = bin_dir
        self.durable = durable  # benches: a real server's fsync and commit settings
        self.root = Path(tempfile.mkdtemp(prefix="counter-pg-"))
        self.data = self.root / "data"
        self.user = "postgres" if os.geteuid() == 0 else (os.environ.get("USER") or "counter")
        self._names = itertools.count(1)
        self.started = False

    def _pg(self, program: str, *args: str, quiet: bool = True) -> None:
        out = subprocess.DEVNULL if quiet else None
        subprocess.run(
            [*_run_as(), str(self.bin / program), *args],
            check=True,
            stdout=out,
            stderr=subprocess.PIPE,
            cwd=self.root,
        )

    def start(self) -> Cluster:
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self._pg("initdb", "-D", str(self.data), "-U", self.user, "-A", "trust", "-E", "UTF8",
                 "--no-locale", "--no-sync")  # fmt: skip
        options = " ".join(
            [
                f"-k {self.root} -p {PORT} -c listen_addresses=''",
                "" if self.durable else "-c fsync=off -c synchronous_commit=off",
                "" if self.durable else "-c full_page_writes=off",
                "-c max_connections=400 -c shared_buffers=64MB",
            ]
        )
        log = str(self.root / "server.log")
        self._pg("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")
        self.started = True
        self._watch_parent()
        return self

    def _watch_parent(self) -> None:
        """Stop the server even when this process is killed before it can (a timeout, ^C)."""
        stop = [*_run_as(), str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate"]
        script = (
            f"while kill -0 {os.getpid()} 2>/dev/null; do sleep 1; done; "
            f"{' '.join(stop)} stop >/dev/null 2>&1; rm -rf {self.root}"
        )
        subprocess.Popen(["sh", "-c", script], start_new_session=True)

    def url(self, name: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@/{name}?host={self.root}&port={PORT}"

    def sql(self, statement: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(
            dbname=database, user=self.user, host=str(self.root), port=PORT, autocommit=True
        ) as conn:
            conn.execute(statement)  # type: ignore[arg-type]

    def make_template(self) -> None:
        """A database with the newest schema: each test's database is a copy of it."""
        from sqlalchemy import create_engine

        from central.migrate import upgrade

        self.sql(f"CREATE DATABASE {TEMPLATE}")
        engine = create_engine(self.url(TEMPLATE))
        try:
            upgrade(engine)
        finally:
            engine.dispose()

    def new_database(self, *, migrated: bool = True) -> str:
        """A fresh database (with the schema unless `migrated` is False); its URL."""
        name = f"hall_{os.getpid()}_{next(self._names)}"
        template = TEMPLATE if migrated else "template0"
        self.sql(f"CREATE DATABASE {name} TEMPLATE {template}")
        return name

    def drop_database(self, name: str) -> None:
        self.sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self) -> None:
        if self.started:
            self._pg("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
            self.started = False
        shutil.rmtree(self.root, ignore_errors=True)
