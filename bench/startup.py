#!/usr/bin/env python3
"""Start-up cost of `newsdex clean`: what one process pays before and while cleaning its
first page, beyond the page's own cleaning.

For each page: the CPU time (user + system, as `wait4` reports it for the child) of a
process cleaning it once, and of one cleaning it eleven times (`clean --jsonl PAGE x 11`);
the page's own cost is the difference over ten, and the start-up is the first figure less
that. Pages: the samples in data/samples, and PAGES fixture pages drawn at random (SEED) from
../shared/fixtures when it is there. With --compare OTHER, the other binary is measured on
each page right after this one, so that both see the same machine.

    python3 bench/startup.py [--newsdex target/release/newsdex] [--compare OLD] [--pages 100]
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cpu_ms(command, runs):
    """The median CPU time in ms of `runs` runs of `command` (output discarded): user and
    system time of the child as `wait4` reports it (the scheduler's precise runtime)."""
    times = []
    for _ in range(runs):
        # close_fds=False lets Python start the child with posix_spawn or vfork: the CPU a
        # forked Python child spends before exec would otherwise count as newsdex's.
        child = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, close_fds=False
        )
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            raise SystemExit(f"{' '.join(map(str, command[:3]))}: exit status {child.returncode}")
        times.append((usage.ru_utime + usage.ru_stime) * 1000)
    return statistics.median(times)


def measure(newsdex, page, runs):
    """(one-page process CPU, start-up, the page's own cost), in ms."""
    once = cpu_ms([newsdex, "clean", page], runs)
    eleven = cpu_ms([newsdex, "clean", "--jsonl"] + [page] * 11, max(1, runs // 2))
    own = max(0.0, (eleven - once) / 10)
    return once, once - own, own


def percentile(sorted_values, p):
    return sorted_values[min(len(sorted_values) - 1, int(p * len(sorted_values)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--newsdex", default=str(ROOT / "target/release/newsdex"))
    parser.add_argument("--compare", help="another newsdex binary, measured alongside")
    parser.add_argument("--pages", type=int, default=100, help="fixture pages to draw")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=7, help="runs per page (median)")
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    args = parser.parse_args()

    binaries = [args.newsdex] + ([args.compare] if args.compare else [])
    for binary in binaries:
        if not os.access(binary, os.X_OK):
            raise SystemExit(f"{binary}: not an executable (build with cargo build --release)")
    samples = sorted(str(p) for p in (ROOT / "data/samples").glob("*.html"))
    fixtures_dir = Path(args.shared) / "fixtures"
    fixtures = sorted(str(p) for p in fixtures_dir.rglob("*.html")) if fixtures_dir.is_dir() else []
    if not fixtures:
        print(f"note: {fixtures_dir} not found: measuring data/samples only", file=sys.stderr)
    drawn = random.Random(args.seed).sample(fixtures, min(args.pages, len(fixtures)))

    print(f"start-up of `newsdex clean` (CPU ms, median of {args.runs} runs)")
    print()
    header = "page".ljust(48) + "".join(f"{Path(b).name[:14]:>16}" for b in binaries)
    print(header)
    for page in samples:
        row = [measure(b, page, args.runs)[0] for b in binaries]
        print(Path(page).name[:47].ljust(48) + "".join(f"{t:16.2f}" for t in row))
    if not drawn:
        return
    results = {b: [] for b in binaries}
    for page in drawn:
        for b in binaries:
            results[b].append(measure(b, page, args.runs))
    print()
    print(f"{len(drawn)} fixture pages (seed {args.seed}): start-up = one-page process less the page's own cost")
    for b in binaries:
        starts = sorted(r[1] for r in results[b])
        once = sorted(r[0] for r in results[b])
        under = sum(1 for s in starts if s < 10)
        print(
            f"  {b}: start-up median {statistics.median(starts):.2f} ms, p90 {percentile(starts, 0.9):.2f}, "
            f"max {starts[-1]:.2f}; under 10 ms on {under}/{len(starts)} pages "
            f"(one-page process median {statistics.median(once):.2f} ms)"
        )


if __name__ == "__main__":
    main()
