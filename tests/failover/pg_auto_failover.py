"""A throw-away pg_auto_failover formation of a test's own: a monitor, a primary and a synchronous standby (Debian's
`pg-auto-failover-cli` and `postgresql-15-auto-failover`, installed with apt-get when missing), each a `pg_autoctl run`
in the background, as the `postgres` user when the tests run as root (CI does), on free loopback ports in a temporary
directory. The application gets database `muster` and role `muster` (password `muster`, scram-sha-256) and reaches
the formation through the multi-host URL `pg_autoctl show uri` prints.

The monitor's health checks are made faster than pg_auto_failover's defaults (which take about 30 s to notice a dead
primary) so that a test sees a failover within seconds; `FAST_HEALTH_CHECKS` lists them.

    formation = PgAutoFailover()
    try:
        formation.start()
        formation.url                  # postgres://muster:muster@127.0.0.1:P1,127.0.0.1:P2/muster?target_session_attrs=read-write
        formation.perform_failover()   # seconds until the roles swapped
        formation.kill_primary()       # kill -9 of the primary's node; seconds until the standby was promoted
    finally:
        formation.remove()

Every step is bounded in time; a step that times out raises FormationError with the formation's state and log tails.
"""
import argparse
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

PACKAGES = ["pg-auto-failover-cli", "postgresql-15-auto-failover"]
PG_MAJOR = "15"
APP_USER = "muster"
APP_PASSWORD = "muster"
APP_DATABASE = "muster"

# The monitor's settings (milliseconds unless said). pg_auto_failover's defaults: health_check_period 5000,
# health_check_timeout 5000, health_check_max_retries 2, health_check_retry_delay 2000,
# node_considered_unhealthy_timeout 20000, startup_grace_period 10000, primary_demote_timeout 30000 (how long the
# monitor lets an unreachable primary demote itself before it promotes the standby: keep it above the keepers'
# timeout.network_partition_timeout, or a partitioned old primary may still take writes after the promotion).
FAST_HEALTH_CHECKS = {
    "pgautofailover.health_check_period": "1000",
    "pgautofailover.health_check_timeout": "1000",
    "pgautofailover.health_check_max_retries": "1",
    "pgautofailover.health_check_retry_delay": "500",
    "pgautofailover.node_considered_unhealthy_timeout": "3000",
    "pgautofailover.startup_grace_period": "3000",
    "pgautofailover.primary_demote_timeout": "5000",
}

# The keepers' settings (seconds; `pg_autoctl config set`); defaults 20, 20 and 3. network_partition_timeout is how
# long a primary that lost the monitor and its standby keeps accepting writes before demoting itself.
FAST_KEEPER = {
    "timeout.network_partition_timeout": "3",
    "timeout.postgresql_restart_failure_timeout": "5",
    "timeout.postgresql_restart_failure_max_retries": "1",
}


class FormationError(RuntimeError):
    pass


def ensure_packages() -> None:
    """Installs pg_auto_failover's Debian packages when pg_autoctl or the extension is missing (needs root)."""
    ext = Path(f"/usr/share/postgresql/{PG_MAJOR}/extension/pgautofailover.control")
    if shutil.which("pg_autoctl") and ext.exists():
        return
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *PACKAGES]):
        out = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, timeout=600)
        if out.returncode != 0:
            raise FormationError(f"{' '.join(cmd)} failed: {out.stdout.decode(errors='replace')[-2000:]}")


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


class PgAutoFailover:
    """A monitor and two data nodes (`node1` starts as primary, `node2` as its synchronous standby)."""

    def __init__(self, fast_health_checks: bool = True):
        ensure_packages()
        self.bin = Path(f"/usr/lib/postgresql/{PG_MAJOR}/bin")
        self.fast = fast_health_checks
        self.dir = Path(tempfile.mkdtemp(prefix="muster-pgaf-"))
        self.monitor_port, port1, port2 = _free_ports(3)
        self.ports = {"node1": port1, "node2": port2}
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self.env = self._environment(self.dir)
        self.processes: dict[str, subprocess.Popen] = {}
        self.uri = ""  # as `pg_autoctl show uri --formation default` prints it (no user, no password)
        self.monitor_uri = ""
        self.timings: dict[str, float] = {}  # start()'s phases, seconds

    @staticmethod
    def _environment(directory: Path) -> dict[str, str]:
        # pg_autoctl keeps its configuration, state and pid files under the XDG directories, and the nodes their
        # unix sockets in PG_REGRESS_SOCK_DIR / PGHOST: all in the temp dir.
        return {
            "PATH": f"/usr/lib/postgresql/{PG_MAJOR}/bin:/usr/bin:/bin",
            "HOME": str(directory),
            "XDG_CONFIG_HOME": str(directory / "config"),
            "XDG_DATA_HOME": str(directory / "share"),
            "XDG_RUNTIME_DIR": str(directory / "run"),
            "PG_REGRESS_SOCK_DIR": str(directory),
            "PGHOST": str(directory),
            "LANG": "C.UTF-8",
        }

    # -- paths and commands ------------------------------------------------------------------------------------

    def pgdata(self, name: str) -> Path:
        return self.dir / name

    def _cmd(self, args: list[str]) -> list[str]:
        return self.as_postgres + ["env", "-i", *[f"{k}={v}" for k, v in self.env.items()], *args]

    def autoctl(self, *args: str, timeout: float = 60) -> str:
        """Runs one `pg_autoctl` command as the postgres user; returns its standard output."""
        try:
            out = subprocess.run(self._cmd(["pg_autoctl", *args]), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, timeout=timeout, cwd=self.dir)
        except subprocess.TimeoutExpired as e:
            raise FormationError(f"pg_autoctl {' '.join(args)} timed out after {timeout} s") from e
        if out.returncode != 0:
            raise FormationError(f"pg_autoctl {' '.join(args)} failed ({out.returncode}): "
                                 f"{out.stderr.decode(errors='replace')[-3000:]}")
        return out.stdout.decode()

    def psql(self, port: int, database: str, sql: str, user: str = "postgres") -> str:
        """Runs SQL with psql on 127.0.0.1:port (trust for the postgres superuser); unaligned, tuples only."""
        out = subprocess.run(self._cmd([str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(port), "-U", user,
                                        "-d", database, "-At", "-F", " ", "-v", "ON_ERROR_STOP=1", "-c", sql]),
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)
        if out.returncode != 0:
            raise FormationError(f"psql on {port} failed ({out.returncode}): {out.stdout.decode(errors='replace')}")
        return out.stdout.decode()

    def _run_in_background(self, name: str) -> None:
        log = open(self.dir / f"{name}.log", "ab")
        self.processes[name] = subprocess.Popen(
            self._cmd(["pg_autoctl", "run", "--pgdata", str(self.pgdata(name))]), stdin=subprocess.DEVNULL,
            stdout=log, stderr=subprocess.STDOUT, cwd=self.dir, start_new_session=True)
        log.close()

    # -- bring-up ----------------------------------------------------------------------------------------------

    def start(self, timeout: float = 180) -> float:
        """Creates and runs the monitor, the primary and the standby, makes the application's database and role;
        returns the seconds it took. Raises FormationError if the formation is not up within `timeout`."""
        began = time.monotonic()
        deadline = began + timeout
        pgctl = str(self.bin / "pg_ctl")
        common = ["--pgctl", pgctl, "--hostname", "127.0.0.1", "--auth", "trust", "--no-ssl"]
        self.autoctl("create", "monitor", "--pgdata", str(self.pgdata("monitor")), "--pgport",
                     str(self.monitor_port), *common, timeout=120)
        # pg_autoctl's nodes listen on '*' unless told; `create monitor` has no --listen.
        self.autoctl("config", "set", "--pgdata", str(self.pgdata("monitor")), "postgresql.listen_addresses",
                     "127.0.0.1")
        if self.fast:
            with open(self.pgdata("monitor") / "postgresql.conf", "a") as conf:
                conf.write("".join(f"{k} = {v}\n" for k, v in FAST_HEALTH_CHECKS.items()))
        self._run_in_background("monitor")
        self._wait(lambda: self._monitor_ready(), deadline, "the monitor accepts connections")
        self.timings["monitor"] = time.monotonic() - began
        if self.fast:
            for key, value in FAST_HEALTH_CHECKS.items():
                shown = self.psql(self.monitor_port, "pg_auto_failover", f"SHOW {key}").strip()
                if shown.removesuffix("ms").removesuffix("s") != value and shown != f"{int(value) // 1000}s":
                    raise FormationError(f"the monitor has {key} = {shown}, not {value}")
        self.monitor_uri = self.autoctl("show", "uri", "--pgdata", str(self.pgdata("monitor")), "--formation",
                                       "monitor").strip()
        for name in ("node1", "node2"):
            self.autoctl("create", "postgres", "--pgdata", str(self.pgdata(name)), "--pgport", str(self.ports[name]),
                         "--name", name, "--pghost", str(self.dir), "--listen", "127.0.0.1", "--dbname", APP_DATABASE, "--monitor", self.monitor_uri,
                         "--replication-quorum", "true", "--candidate-priority", "50", *common,
                         timeout=max(1.0, deadline - time.monotonic()))
            if self.fast:
                for key, value in FAST_KEEPER.items():
                    self.autoctl("config", "set", "--pgdata", str(self.pgdata(name)), key, value)
            if name == "node1":
                self._allow_app_password(name)
            self._run_in_background(name)
            if name == "node1":
                self._wait(lambda: self._states() == {"node1": "single"} and self._accepts_writes("node1"),
                           deadline, "node1 is a single primary accepting writes")
                self._create_app_role()
                self.timings["primary"] = time.monotonic() - began
        self._wait(lambda: sorted(self._states().values()) == ["primary", "secondary"], deadline,
                   "a primary and a secondary")
        self.timings["standby"] = time.monotonic() - began
        # number-sync-standbys stays 0: with one standby pg_autoctl refuses 1 ("value 1 is not valid"), as 1 needs
        # two quorum standbys. With 0 and replication-quorum true the primary still sets
        # synchronous_standby_names = 'ANY 1 (pgautofailover_standby_N)': a commit waits for the standby while it is
        # up; when it is lost, the monitor moves the primary to wait_primary, which drops synchronous replication.
        self.uri = self.autoctl("show", "uri", "--pgdata", str(self.pgdata("monitor")), "--formation",
                                "default").strip()
        (self.dir / "harness.json").write_text(json.dumps(self.summary(), indent=2))
        return time.monotonic() - began

    def summary(self) -> dict:
        """What another process needs to use (or `attach` to) the running formation."""
        return {"dir": str(self.dir), "url": self.url, "uri": self.uri, "monitor_uri": self.monitor_uri,
                "hosts": [f"{h}:{p}" for h, p in self.hosts], "ports": self.ports,
                "monitor_port": self.monitor_port, "fast": self.fast, "timings": self.timings}

    @classmethod
    def attach(cls, directory: str) -> "PgAutoFailover":
        """The formation another process started (its `harness.json`), to fail over, kill or remove it."""
        saved = json.loads((Path(directory) / "harness.json").read_text())
        self = cls.__new__(cls)
        self.bin = Path(f"/usr/lib/postgresql/{PG_MAJOR}/bin")
        self.dir = Path(saved["dir"])
        self.fast, self.ports, self.monitor_port = saved["fast"], saved["ports"], saved["monitor_port"]
        self.uri, self.monitor_uri, self.timings = saved["uri"], saved["monitor_uri"], saved["timings"]
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.env = cls._environment(self.dir)
        self.processes = {}
        return self

    def _monitor_ready(self) -> bool:
        try:
            self.psql(self.monitor_port, "pg_auto_failover", "SELECT 1")
            return True
        except FormationError:
            return False

    def _allow_app_password(self, name: str) -> None:
        """Puts a scram-sha-256 rule for the application's role first in pg_hba.conf (the standby copies it with its
        base backup), so that the password in the URL is checked."""
        hba = self.pgdata(name) / "pg_hba.conf"
        rule = f"host all {APP_USER} 127.0.0.1/32 scram-sha-256\n"
        hba.write_text(rule + hba.read_text())

    def _create_app_role(self) -> None:
        port = self.ports["node1"]
        self.psql(port, "postgres", f"CREATE ROLE {APP_USER} LOGIN PASSWORD '{APP_PASSWORD}'")
        self.psql(port, "postgres", f"ALTER DATABASE {APP_DATABASE} OWNER TO {APP_USER}")
        self.psql(port, APP_DATABASE, f"ALTER SCHEMA public OWNER TO {APP_USER}")

    # -- state -------------------------------------------------------------------------------------------------

    def state(self) -> list[dict]:
        """`pg_autoctl show state --json`: one object per data node (nodename, nodeport, current_group_state,
        assigned_group_state, health, ...)."""
        return json.loads(self.autoctl("show", "state", "--json", "--pgdata", str(self.pgdata("monitor")),
                                       timeout=15))

    def _states(self) -> dict[str, str]:
        """node name -> reported state, only for nodes whose reported and assigned states agree."""
        try:
            nodes = self.state()
        except (FormationError, json.JSONDecodeError):
            return {}
        return {n["nodename"]: n["current_group_state"] for n in nodes
                if n["current_group_state"] == n["assigned_group_state"]}

    def _wait(self, ready, deadline: float, what: str, every: float = 0.2) -> None:
        while True:
            if ready():
                return
            if time.monotonic() > deadline:
                raise FormationError(f"timed out waiting until {what}\n{self.describe()}")
            time.sleep(every)

    def _wait_primary(self, name: str, deadline: float, what: str, want_secondary: bool) -> None:
        def ready():
            states = self._states()
            if states.get(name) not in ("primary", "wait_primary", "single"):
                return False
            return not want_secondary or sorted(states.values()) == ["primary", "secondary"]
        self._wait(ready, deadline, what, every=0.1)

    def current_primary_name(self) -> str:
        for node in self.state():
            if node["current_group_state"] in ("primary", "wait_primary", "single") and \
                    node["assigned_group_state"] in ("primary", "wait_primary", "single"):
                return node["nodename"]
        raise FormationError(f"no primary\n{self.describe()}")

    def current_primary(self) -> int:
        """The port of the node the monitor has as primary."""
        return self.ports[self.current_primary_name()]

    # -- what a test needs -------------------------------------------------------------------------------------

    @property
    def hosts(self) -> list[tuple[str, int]]:
        """The data nodes as (host, port), node1 first (the order `show uri` prints them)."""
        return [("127.0.0.1", self.ports["node1"]), ("127.0.0.1", self.ports["node2"])]

    @property
    def url(self) -> str:
        """The application's multi-host URL, with role and password."""
        hosts = ",".join(f"{h}:{p}" for h, p in self.hosts)
        return f"postgres://{APP_USER}:{APP_PASSWORD}@{hosts}/{APP_DATABASE}?target_session_attrs=read-write"

    def node_url(self, port: int) -> str:
        """A single-host URL of one node for the application's role (reads there, whatever its role)."""
        return f"postgres://{APP_USER}:{APP_PASSWORD}@127.0.0.1:{port}/{APP_DATABASE}"

    # -- failures ----------------------------------------------------------------------------------------------

    def perform_failover(self, timeout: float = 90) -> float:
        """`pg_autoctl perform failover`, then waits until the old standby is primary and the old primary its
        secondary again; returns the seconds it took (from the command to the swapped, settled roles)."""
        old = self.current_primary_name()
        new = "node2" if old == "node1" else "node1"
        began = time.monotonic()
        self.autoctl("perform", "failover", "--pgdata", str(self.pgdata("monitor")), "--wait", str(int(timeout)),
                     timeout=timeout + 10)
        self._wait_primary(new, began + timeout, f"{new} is primary with {old} as secondary", want_secondary=True)
        return time.monotonic() - began

    def postmaster_pid(self, name: str) -> int:
        return int((self.pgdata(name) / "postmaster.pid").read_text().split("\n", 1)[0])

    def kill_primary(self, whole_node: bool = True, timeout: float = 90) -> float:
        """kill -9 of the current primary's postmaster; with whole_node (the default) its pg_autoctl keeper too, as a
        lost machine (a keeper left alive restarts its Postgres within a second or two, and no failover happens).
        Waits until the standby is promoted (reports `wait_primary` or `primary`, writable without its lost
        standby); returns the seconds from the kill. `rejoin()` brings the killed node back as a standby."""
        old = self.current_primary_name()
        new = "node2" if old == "node1" else "node1"
        pid = self.postmaster_pid(old)
        began = time.monotonic()
        if whole_node:
            self._kill_group(old)
        os.kill(pid, signal.SIGKILL)
        if whole_node:
            self._wait_primary(new, began + timeout, f"{new} is promoted after {old} was killed",
                               want_secondary=False)
        else:
            self._wait(lambda: self._accepts_writes(old) or self._accepts_writes(new), began + timeout,
                       "a node accepts writes again", every=0.1)
        return time.monotonic() - began

    def _accepts_writes(self, name: str) -> bool:
        try:
            return self.psql(self.ports[name], "postgres", "SELECT pg_is_in_recovery()").strip() == "f"
        except (FormationError, subprocess.TimeoutExpired):
            return False

    def rejoin(self, name: str, timeout: float = 120) -> float:
        """Starts the killed node's keeper again and waits until the formation has a primary and a secondary."""
        began = time.monotonic()
        self._run_in_background(name)
        self._wait(lambda: sorted(self._states().values()) == ["primary", "secondary"], began + timeout,
                   f"{name} rejoined as secondary")
        return time.monotonic() - began

    def _kill_group(self, name: str) -> None:
        """SIGKILL to the node's process group: runuser, the pg_autoctl keeper and the Postgres it runs."""
        proc = self.processes.pop(name, None)
        if proc is not None:
            group = proc.pid
        else:  # attached: the group of the node's postmaster (the keeper's)
            try:
                group = os.getpgid(self.postmaster_pid(name))
            except (OSError, ValueError):
                return
            if group == os.getpgid(0):
                return
        try:
            os.killpg(group, signal.SIGKILL)
        except ProcessLookupError:
            pass
        if proc is not None:
            proc.wait(timeout=10)

    # -- teardown ----------------------------------------------------------------------------------------------

    def stop(self) -> None:
        """Kills every process of the formation (keepers, postmasters and their backends) at once."""
        # An immediate shutdown first (SIGQUIT: the postmaster ends its backends and workers, which a SIGKILL of the
        # postmaster alone would leave running as orphans), bounded to 3 s.
        quit_pids = []
        for name in ("monitor", "node1", "node2"):
            try:
                pid = self.postmaster_pid(name)
                os.kill(pid, signal.SIGQUIT)
                quit_pids.append(pid)
            except (OSError, ValueError):
                pass
        deadline = time.monotonic() + 3
        while quit_pids and time.monotonic() < deadline:
            quit_pids = [pid for pid in quit_pids if Path(f"/proc/{pid}").exists()]
            time.sleep(0.1)
        for name in ("monitor", "node1", "node2"):
            self._kill_group(name)
        # Postgres started by a keeper runs in the keeper's session; kill what is left by pid (postmaster.pid) and
        # any other process whose command line names this formation's directory.
        for name in ("monitor", "node1", "node2"):
            try:
                os.kill(self.postmaster_pid(name), signal.SIGKILL)
            except (OSError, ValueError):
                pass
        # Every process whose command line names this formation's directory, and their descendants (a postmaster's
        # backends and workers do not name it), found before any is killed.
        mine = str(self.dir)
        parents: dict[int, int] = {}
        doomed: set[int] = set()
        for proc in glob.glob("/proc/[0-9]*/cmdline"):
            pid = int(proc.split("/")[2])
            try:
                cmdline = Path(proc).read_bytes().replace(b"\0", b" ").decode(errors="replace")
                stat = Path(f"/proc/{pid}/stat").read_text()
                parents[pid] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if mine in cmdline and pid != os.getpid():
                doomed.add(pid)
        grew = True
        while grew:
            children = {pid for pid, parent in parents.items() if parent in doomed and pid not in doomed}
            grew = bool(children)
            doomed |= children
        for pid in doomed:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass

    def remove(self) -> None:
        """stop(), then deletes the temporary directory."""
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def events(self, count: int = 30) -> str:
        """The monitor's last state changes (`pg_autoctl show events`), oldest first: why a switch took its time."""
        return self.autoctl("show", "events", "--pgdata", str(self.pgdata("monitor")), "--count", str(count),
                            timeout=15)

    def describe(self) -> str:
        """The monitor's view and the tail of each keeper's log, for a failure message."""
        lines = []
        try:
            lines.append(self.autoctl("show", "state", "--pgdata", str(self.pgdata("monitor")), timeout=10))
            lines.append(self.events(15))
        except Exception as e:  # noqa: BLE001 - best effort in an error message
            lines.append(f"(show state failed: {e})")
        for name in ("monitor", "node1", "node2"):
            log = self.dir / f"{name}.log"
            if log.exists():
                tail = log.read_text(errors="replace").splitlines()[-25:]
                lines.append(f"--- {name}.log (last {len(tail)} lines)\n" + "\n".join(tail))
        return "\n".join(lines)


def main(argv: list[str]) -> int:
    """Command line for shell scripts (scripts/lib/pg-auto-failover.sh):
    up -> prints summary() as JSON, the formation keeps running; down DIR; failover DIR; kill-primary DIR;
    primary DIR (prints the port); rejoin DIR NODE. Timed commands print the seconds."""
    parser = argparse.ArgumentParser(prog="pg_auto_failover.py")
    parser.add_argument("command", choices=["up", "down", "failover", "kill-primary", "primary", "rejoin"])
    parser.add_argument("dir", nargs="?")
    parser.add_argument("node", nargs="?")
    parser.add_argument("--timeout", type=float, default=180)
    args = parser.parse_args(argv)
    if args.command == "up":
        formation = PgAutoFailover()
        try:
            formation.start(timeout=args.timeout)
        except BaseException:
            formation.remove()
            raise
        print(json.dumps(formation.summary()))
        return 0
    if not args.dir:
        parser.error(f"{args.command} needs the formation's directory")
    formation = PgAutoFailover.attach(args.dir)
    if args.command == "down":
        formation.remove()
    elif args.command == "failover":
        print(f"{formation.perform_failover():.2f}")
    elif args.command == "kill-primary":
        print(f"{formation.kill_primary():.2f}")
    elif args.command == "primary":
        print(formation.current_primary())
    elif args.command == "rejoin":
        print(f"{formation.rejoin(args.node):.2f}")
    return 0


if __name__ == "__main__":
    import sys
    sys.exit(main(sys.argv[1:]))
