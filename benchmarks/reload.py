"""A graceful reload and a killed worker, in the middle of load on the production stack.

    python3 benchmarks/reload.py

--clients keep-alive clients send predictions and /healthz for --seconds. A third
of the way in, SIGHUP goes to deploy/serve (gunicorn starts new workers and
retires the old ones gracefully); two thirds in, one
gunicorn worker is killed with SIGKILL. Prints the failed requests (any status
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
        hup_at = time.monotonic()
        stack.process.send_signal(signal.SIGHUP)
        time.sleep(args.seconds / 3)
        workers = stack.gunicorn_workers()
        victim = workers[0]
        kill_at = time.monotonic()
        os.kill(victim, signal.SIGKILL)
        replaced_after = None
        while time.monotonic() < start + args.seconds:
            if replaced_after is None:
                now_workers = stack.gunicorn_workers()
                if len([w for w in now_workers if w != victim]) >= len(workers):
                    replaced_after = time.monotonic() - kill_at
            time.sleep(0.01)
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
    print(f"killed worker replaced after: {f'{replaced_after:.2f} s' if replaced_after is not None else 'not seen'}")
    print(f"longest time without a successful answer: {1000 * gap:.0f} ms")
    print(f"reloads seen in the log: {log_tail.count('Handling signal: hup')}")
    for entry in [x for x in log_tail.splitlines() if "[error]" in x or "[warn]" in x][:5]:
        print(f"proxy log: {entry[:200]}")
    print(f"failed: {sum(1 for _, ok, _ in events if not ok)} of {len(events)}")


if __name__ == "__main__":
    main()
