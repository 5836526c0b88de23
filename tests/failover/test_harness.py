"""Smoke test of the pg_auto_failover harness (pg_auto_failover.py), with psycopg (libpq's multi-host URL and
target_session_attrs=read-write) as the reference client: a row written through the multi-host URL survives a planned
failover and a kill -9 of the primary, and the same URL writes to the new primary after each; a writer thread keeps
inserting through the URL (reconnecting on errors) all along, and every insert it saw committed is on the survivor at
the end. Prints how long the formation took to come up, each switch took (by the monitor's states) and the longest gap
between two committed inserts the writer saw around each switch (the outage a client sees)."""
import threading
import time

import psycopg
import pytest

from pg_auto_failover import PgAutoFailover


@pytest.fixture
def formation():
    f = PgAutoFailover()
    try:
        up = f.start()
        phases = ", ".join(f"{k} at {v:.1f} s" for k, v in f.timings.items())
        print(f"\nHARNESS up {up:.1f} s ({phases}); show uri: {f.uri}; application: {f.url}")
        yield f
    finally:
        f.remove()


def write(url: str, value: str) -> int:
    """Inserts one row through `url`; returns the port of the server that committed it."""
    with psycopg.connect(url, connect_timeout=5) as conn:
        conn.execute("INSERT INTO marks (value) VALUES (%s)", (value,))
        conn.commit()
        return conn.info.port


class Writer(threading.Thread):
    """Inserts into ticks through the multi-host URL every 20 ms; keeps the committed values and their times."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url, self.stop, self.committed, self.errors = url, threading.Event(), [], 0

    def run(self):
        conn, n = None, 0
        while not self.stop.is_set():
            try:
                if conn is None:
                    conn = psycopg.connect(self.url, connect_timeout=2, autocommit=True)
                n += 1
                conn.execute("INSERT INTO ticks (n) VALUES (%s)", (n,))
                self.committed.append((time.monotonic(), n))
            except psycopg.Error:
                self.errors += 1
                if conn is not None:
                    conn.close()
                conn = None
            time.sleep(0.02)
        if conn is not None:
            conn.close()

    def longest_gap(self, since: float, until: float) -> float:
        """The longest time between two committed inserts that spans part of [since, until]."""
        times = [t for t, _ in self.committed]
        gaps = [b - a for a, b in zip(times, times[1:]) if b >= since and a <= until]
        return max(gaps, default=float("inf"))


def values_on(formation: PgAutoFailover, port: int) -> list[str]:
    with psycopg.connect(formation.node_url(port), connect_timeout=5) as conn:
        return [row[0] for row in conn.execute("SELECT value FROM marks ORDER BY id")]


def test_row_survives_failover_and_kill(formation):
    with psycopg.connect(formation.url, connect_timeout=5) as conn:
        assert conn.execute("SELECT current_user, pg_is_in_recovery()").fetchone() == ("muster", False)
        conn.execute("CREATE TABLE marks (id bigserial PRIMARY KEY, value text NOT NULL)")
        conn.execute("CREATE TABLE ticks (n bigint PRIMARY KEY)")
        conn.commit()
    writer = Writer(formation.url)
    writer.start()
    first = formation.current_primary()
    assert write(formation.url, "before") == first

    # Wrong password is refused: the URL's credentials are really checked (scram-sha-256).
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(formation.url.replace("muster:muster@", "muster:wrong@"), connect_timeout=5).close()

    time.sleep(1)
    began = time.monotonic()
    took = formation.perform_failover()
    failover_gap = writer.longest_gap(began, time.monotonic())
    second = formation.current_primary()
    assert second != first
    assert values_on(formation, second) == ["before"]
    assert write(formation.url, "after failover") == second
    print(f"HARNESS perform_failover {took:.1f} s ({first} -> {second}); writer's longest gap {failover_gap:.2f} s")

    time.sleep(1)
    began = time.monotonic()
    took = formation.kill_primary()
    third = formation.current_primary()
    assert third == first
    # Committed with synchronous replication on, so on the survivor.
    assert values_on(formation, third) == ["before", "after failover"]
    assert write(formation.url, "after kill") == third
    assert values_on(formation, third) == ["before", "after failover", "after kill"]
    time.sleep(1)
    writer.stop.set()
    writer.join(timeout=15)
    assert not writer.is_alive()
    kill_gap = writer.longest_gap(began, began + took)
    print(f"HARNESS kill_primary {took:.1f} s ({second} -> {third}); writer's longest gap {kill_gap:.2f} s; "
          f"writer: {len(writer.committed)} committed, {writer.errors} errors")
    # Every insert acknowledged to the writer (synchronous replication while the standby was up) is on the survivor.
    with psycopg.connect(formation.node_url(third), connect_timeout=5) as conn:
        stored = {row[0] for row in conn.execute("SELECT n FROM ticks")}
    lost = [n for _, n in writer.committed if n not in stored]
    assert lost == [], f"acknowledged inserts lost: {lost[:20]}"
    assert writer.committed[-1][0] > began + took, "the writer never wrote after the kill"

    took = formation.rejoin("node1" if formation.ports["node2"] == third else "node2")
    print(f"HARNESS rejoin {took:.1f} s")
