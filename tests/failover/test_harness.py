"""Smoke test of the pg_auto_failover harness (pg_auto_failover.py), with psycopg (libpq's multi-host URL and
target_session_attrs=read-write) as the reference client: a row written through the multi-host URL survives a planned
failover and a kill -9 of the primary, and the same URL writes to the new primary after each. Prints how long the
formation took to come up and each switch took."""
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


def values_on(formation: PgAutoFailover, port: int) -> list[str]:
    with psycopg.connect(formation.node_url(port), connect_timeout=5) as conn:
        return [row[0] for row in conn.execute("SELECT value FROM marks ORDER BY id")]


def test_row_survives_failover_and_kill(formation):
    with psycopg.connect(formation.url, connect_timeout=5) as conn:
        assert conn.execute("SELECT current_user, pg_is_in_recovery()").fetchone() == ("muster", False)
        conn.execute("CREATE TABLE marks (id bigserial PRIMARY KEY, value text NOT NULL)")
        conn.commit()
    first = formation.current_primary()
    assert write(formation.url, "before") == first

    # Wrong password is refused: the URL's credentials are really checked (scram-sha-256).
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(formation.url.replace("muster:muster@", "muster:wrong@"), connect_timeout=5).close()

    took = formation.perform_failover()
    second = formation.current_primary()
    assert second != first
    assert values_on(formation, second) == ["before"]
    assert write(formation.url, "after failover") == second
    print(f"HARNESS perform_failover {took:.1f} s ({first} -> {second})")

    took = formation.kill_primary()
    third = formation.current_primary()
    assert third == first
    # Committed with synchronous replication on, so on the survivor.
    assert values_on(formation, third) == ["before", "after failover"]
    assert write(formation.url, "after kill") == third
    assert values_on(formation, third) == ["before", "after failover", "after kill"]
    print(f"HARNESS kill_primary {took:.1f} s ({second} -> {third})")

    took = formation.rejoin("node1" if formation.ports["node2"] == third else "node2")
    print(f"HARNESS rejoin {took:.1f} s")
