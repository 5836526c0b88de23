"""The outage clients see when the database primary goes away (issue 19's figures), run by scripts/bench-failover.sh.

Brings up a pg_auto_failover formation (pg_auto_failover.py), starts one `muster serve` (MUSTER_BIN, a release build)
on its multi-host URL, keeps HTTP provisioning running from RUNS_THREADS threads (each device retries a refused
request every 50 ms, as firmware would), and switches the primary RUNS times each way: `pg_autoctl perform failover`,
then `kill -9` of the primary's machine (keeper and postmaster) followed by a rejoin of the killed node. For each
switch it prints the outage the clients saw: the longest time without any successful provisioning around the switch,
and the time from the first 503 to the first success after it; then the median and the maximum of each kind. Every
step is bounded; everything is removed at the end."""
from __future__ import annotations

import os
import statistics
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "compat"))

from pg_auto_failover import PgAutoFailover  # noqa: E402
from test_failover import Node, http_provision, new_profile  # noqa: E402

RUNS = int(os.environ.get("RUNS", "3"))
THREADS = int(os.environ.get("RUNS_THREADS", "4"))


class Clients:
    def __init__(self, node: Node, profile: dict):
        self.node, self.profile = node, profile
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.events: list[tuple[float, bool]] = []
        self.wrong: list[str] = []
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(THREADS)]

    def _run(self, worker: int) -> None:
        number = 0
        while not self.stop.is_set():
            name = f"bench-{worker}-{number}-{time.monotonic_ns()}"
            number += 1
            while not self.stop.is_set():
                outcome, _, detail = http_provision(self.node, self.profile, name)
                with self.lock:
                    self.events.append((time.monotonic(), outcome == "ok"))
                    if outcome == "wrong":
                        self.wrong.append(detail)
                if outcome != "refused":
                    break
                time.sleep(0.05)

    def window(self, began: float, ended: float) -> tuple[float, float | None]:
        """(longest time without a success, first 503 to first success) for the events from `began` to `ended`."""
        with self.lock:
            events = sorted(e for e in self.events if began <= e[0] <= ended)
        successes = [t for t, ok in events if ok]
        gap = max((b - a for a, b in zip(successes, successes[1:])), default=ended - began)
        first = next((t for t, ok in events if not ok), None)
        back = None if first is None else next((t for t, ok in events if ok and t > first), None)
        return gap, (None if back is None else back - first)


def settle(clients: Clients, seconds: float) -> None:
    """Waits `seconds` of steady successes (bounded)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        time.sleep(seconds)
        gap, refused = clients.window(time.monotonic() - seconds, time.monotonic())
        if gap < 1.0 and refused is None:
            return
    raise RuntimeError("the node did not settle")


def main() -> int:
    formation = PgAutoFailover()
    node = None
    clients = None
    try:
        up = formation.start()
        print(f"formation up in {up:.1f} s on {', '.join(f'{h}:{p}' for h, p in formation.hosts)}", flush=True)
        node = Node("bench", formation.url)
        node.start()
        profile = new_profile(node)
        clients = Clients(node, profile)
        for t in clients.threads:
            t.start()
        settle(clients, 3.0)
        results: dict[str, list[tuple[float, float | None]]] = {"planned failover": [], "kill -9 of the primary": []}
        for what in results:
            for run in range(RUNS):
                began = time.monotonic()
                if what == "planned failover":
                    switched = formation.perform_failover()
                else:
                    killed = formation.current_primary_name()
                    switched = formation.kill_primary()
                time.sleep(3.0)
                settle(clients, 2.0)
                ended = time.monotonic()
                gap, refused = clients.window(began, ended)
                results[what].append((gap, refused))
                print(f"{what} #{run + 1}: monitor switched in {switched:.1f} s; clients: longest without a success "
                      f"{gap:.2f} s, first 503 to first success "
                      f"{'none' if refused is None else f'{refused:.2f} s'}", flush=True)
                if what != "planned failover":
                    rejoined = formation.rejoin(killed)
                    print(f"   {killed} rejoined as standby in {rejoined:.1f} s", flush=True)
                    settle(clients, 2.0)
        print("== outage seen by HTTP provisioning clients (seconds)")
        print(f"{'switch':26} {'median gap':>11} {'max gap':>9} {'median 503→ok':>14} {'max 503→ok':>11}")
        for what, values in results.items():
            gaps = [g for g, _ in values]
            refused = [r for _, r in values if r is not None] or [0.0]
            print(f"{what:26} {statistics.median(gaps):11.2f} {max(gaps):9.2f} "
                  f"{statistics.median(refused):14.2f} {max(refused):11.2f}")
        with clients.lock:
            total = sum(1 for _, ok in clients.events if ok)
        print(f"{total} provisionings answered SUCCESS; wrong answers: {len(clients.wrong)}")
        return 1 if clients.wrong else 0
    finally:
        if clients is not None:
            clients.stop.set()
            for t in clients.threads:
                t.join(20)
        if node is not None:
            node.server.stop()
        formation.remove()


if __name__ == "__main__":
    sys.exit(main())
