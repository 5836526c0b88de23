"""A throw-away PostgreSQL cluster of a test's own (Debian's initdb and pg_ctl, as the `postgres` user when the
tests run as root, as CI does), on a free loopback port in a temporary directory: what the PostgreSQL tests that
stop and start the database run against, so that the shared server is never disturbed."""
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def _bin_dir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if not found:
        raise RuntimeError("PostgreSQL is not installed (Debian package postgresql; scripts/test.sh installs it)")
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresCluster:
    def __init__(self):
        self.bin = _bin_dir()
        self.dir = Path(tempfile.mkdtemp(prefix="muster-compat-pg-"))
        self.port = _free_port()
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run("initdb", "-D", str(self.dir / "data"), "-A", "trust", "-U", "muster", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")

    @property
    def url(self) -> str:
        return f"postgres://muster@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        out = subprocess.run(self.as_postgres + [str(self.bin / tool), *args], stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
        if out.returncode != 0:
            raise RuntimeError(f"{tool} failed ({out.returncode}): {out.stdout.decode(errors='replace')}")

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.dir / "data"), "-l", str(self.dir / "server.log"), "-w", "-t", "60", "-o",
                  f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=100", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.dir / "data"), "-m", mode, "-w", "-t", "60", "stop")

    def remove(self) -> None:
        subprocess.run(self.as_postgres + [str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "immediate",
                                           "stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(self.dir, ignore_errors=True)

    def psql(self, database: str, sql: str) -> str:
        """Runs one statement with psql as the cluster's superuser; returns its unaligned, tuples-only output."""
        out = subprocess.run([str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "muster",
                              "-d", database, "-At", "-F", " ", "-v", "ON_ERROR_STOP=1", "-c", sql],
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
        if out.returncode != 0:
            raise RuntimeError(f"psql failed ({out.returncode}): {out.stdout.decode(errors='replace')}")
        return out.stdout.decode()
