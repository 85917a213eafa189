"""Run commands as fresh processes, interleaved, and report wall / CPU / peak RSS per command.

    python bench/timeit_procs.py --reps 3 -- "label1::cmd ..." "label2::cmd ..."

CPU time (user + sys of the child) is reported beside wall time because the machine is shared:
under contention wall time inflates much more than CPU time. Ratios are to the first command.
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import time


def run_once(cmd: str) -> tuple[float, float, float]:
    t0 = time.perf_counter()
    proc = subprocess.Popen(shlex.split(cmd), stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if status != 0:
        raise SystemExit(f"failed ({status}): {cmd}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024 / 1024  # GiB


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("commands", nargs="+")
    args = ap.parse_args()
    jobs = [c.split("::", 1) for c in args.commands]
    results: dict[str, list[tuple[float, float, float]]] = {label: [] for label, _ in jobs}
    for rep in range(args.reps):
        for label, cmd in jobs:
            r = run_once(cmd)
            results[label].append(r)
            print(f"rep {rep} {label:28s} wall {r[0]:7.2f}s cpu {r[1]:7.2f}s rss {r[2]:5.2f} GiB", flush=True)
    base = None
    print(
        "\n| implementation | wall min s | wall median s | cpu min s | vs first (wall min) | peak RSS GiB |"
    )
    print("|---|---|---|---|---|---|")
    for label, rs in results.items():
        walls, cpus, rss = [r[0] for r in rs], [r[1] for r in rs], [r[2] for r in rs]
        base = base or min(walls)
        print(
            f"| {label} | {min(walls):.1f} | {statistics.median(walls):.1f} | {min(cpus):.1f} "
            f"| {min(walls) / base:.2f} | {max(rss):.2f} |"
        )


if __name__ == "__main__":
    main()
