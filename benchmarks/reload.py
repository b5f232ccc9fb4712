"""A graceful reload and a killed worker, in the middle of load on the production stack.

    python3 benchmarks/reload.py

--clients keep-alive clients send predictions and /healthz for --seconds. A third
of the way in, SIGHUP goes to deploy/serve (gunicorn starts new workers and
retires the old ones gracefully); two thirds in (and never before the reload is
over), one gunicorn worker is killed with SIGKILL. The load goes on until the
killed worker has been replaced, even past --seconds on a busy machine. Prints the failed requests (any status
but 200, or a connection error) in each phase, the longest time with no
successful answer, and how soon a new worker replaced the killed one.
nginx retries a request whose worker died before answering, on the other
worker; one that had started its answer is lost (the goal: no failures beyond
those in flight on the killed worker). Loopback only, bounded in time.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time

from stack_client import JSON, ROOT, Client, drawings, predict_body

sys.path.insert(0, str(ROOT))
from deploy.stack import Stack  # noqa: E402


SETTLE_S = 60  # how long a reload or a worker's replacement may take before it counts as not seen


def wait_for(condition, since: float) -> float | None:
    """Seconds from ``since`` until condition() holds (polled every 10 ms), or None after SETTLE_S."""
    while time.monotonic() < since + SETTLE_S:
        if condition():
            return time.monotonic() - since
        time.sleep(0.01)
    return None


def shown(seconds: float | None) -> str:
    return f"{seconds:.2f} s" if seconds is not None else f"not seen within {SETTLE_S} s"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=15)
    args = parser.parse_args()
    bodies = [predict_body(p) for p in drawings(64)]
    events = []  # (time, ok, status)
    lock = threading.Lock()
    stop = threading.Event()

    with Stack(env={"MLP_RATE_LIMIT": "100000"}) as stack:
        def work(k):
            client = Client(stack.port, timeout=10)
            i = k
            while not stop.is_set():
                if i % 2:
                    status, _, _ = client.call("GET", "/healthz")
                else:
                    status, _, _ = client.call("POST", "/api/predict", body=bodies[i % len(bodies)], headers=JSON)
                with lock:
                    events.append((time.monotonic(), status == 200, status))
                i += 1
            client.close()

        threads = [threading.Thread(target=work, args=(k,)) for k in range(args.clients)]
        start = time.monotonic()
        for t in threads:
            t.start()
        time.sleep(args.seconds / 3)
        expected = int(stack.env.get("MLP_WORKERS", "2"))
        wait_for(lambda: len(stack.gunicorn_workers()) == expected, time.monotonic())  # "serving" came with one
        old_workers = set(stack.gunicorn_workers())
        hup_at = time.monotonic()
        stack.process.send_signal(signal.SIGHUP)
        # The kill comes once the reload is over (every worker a new one, as many as before): killed
        # earlier, the victim could be an old worker on its way out, never replaced.
        reloaded_after = wait_for(lambda: not (now := set(stack.gunicorn_workers())) & old_workers
                                  and len(now) == expected, hup_at)
        time.sleep(max(0.0, hup_at + args.seconds / 3 - time.monotonic()))
        workers = set(stack.gunicorn_workers())
        victim = min(workers)
        kill_at = time.monotonic()
        os.kill(victim, signal.SIGKILL)
        replaced_after = wait_for(lambda: victim not in (now := set(stack.gunicorn_workers()))
                                  and len(now) == expected, kill_at)
        time.sleep(max(0.0, start + args.seconds - time.monotonic()))
        stop.set()
        for t in threads:
            t.join()
        log_tail = stack.stderr()

    def failed(t0, t1):
        bad = [status or "connection error" for t, ok, status in events if t0 <= t < t1 and not ok]
        return bad, sum(1 for t, _, _ in events if t0 <= t < t1)

    end = max(t for t, _, _ in events)
    ok_times = [t for t, ok, _ in events if ok]
    gap = max(b - a for a, b in zip(ok_times, ok_times[1:]))
    after_kill = [t for t in ok_times if t >= kill_at]
    for name, (t0, t1) in {"before": (start, hup_at), "after HUP (reload)": (hup_at, kill_at),
                           "after kill -9 of a worker": (kill_at, end + 1)}.items():
        bad, n = failed(t0, t1)
        kinds = f" ({', '.join(map(str, bad))})" if bad else ""
        print(f"{name}: {n} requests, {len(bad)} failed{kinds}")
    print(f"first answer after the kill: {1000 * (after_kill[0] - kill_at):.0f} ms" if after_kill
          else "first answer after the kill: none")
    print(f"reload over (every worker new) after: {shown(reloaded_after)}")
    print(f"killed worker replaced after: {shown(replaced_after)}")
    print(f"longest time without a successful answer: {1000 * gap:.0f} ms")
    print(f"reloads seen in the log: {log_tail.count('Handling signal: hup')}")
    for entry in [x for x in log_tail.splitlines() if "[error]" in x or "[warn]" in x][:5]:
        print(f"proxy log: {entry[:200]}")
    print(f"failed: {sum(1 for _, ok, _ in events if not ok)} of {len(events)}")


if __name__ == "__main__":
    main()
