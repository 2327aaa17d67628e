"""`just bench-spark`: how fast the Spark job turns WARC files into shards, against one local
process, and how long `newsdex import` takes to merge many shards.

1. Generated WARC files (`make_warcs.py`, news-like pages) go through `newsdex ingest --warc`
   (one process, the local way) and through the Spark job in local mode with one and with two
   executor cores (`local[1]`, `local[2]`, one partition per file). Pages/s are reported on
   the wall clock, and on the time the job itself reports for its tasks and output (from the
   first task to the Parquet files written: without the JVM's and the Spark session's
   start-up, which a long job on a cluster pays once).
2. Shards of `--shard-articles` generated articles each (record lines as `newsdex clean
   --jsonl --warc` prints them, every article different, built by `newsdex shard write`, two
   at a time) are imported into a fresh data directory, 10, 100 and 1,000 at a time (the
   smaller sets are the first shards of the larger). Shards take disk: the largest set is cut
   to what fits in `--max-gb` (said so in the output).

    python3 scale/spark/bench.py --newsdex target/release/newsdex [--pages 8000] [--files 4]
        [--shards 10,100,1000] [--shard-articles 1000] [--max-gb 4] [--work DIR]

Everything generated is removed at the end.
"""

from __future__ import annotations

import argparse
import base64
import concurrent.futures
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def du(path: str) -> int:
    """Bytes under `path` (following nothing)."""
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                pass
    return total


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


LAST_CPU = [0.0]


def timed(command: list[str], ok=(0,), **kwargs) -> float:
    """Wall seconds of `command`; its CPU seconds (with every descendant that was waited for:
    the newsdex processes of a Spark task, the JVM) are left in `LAST_CPU`."""
    cpu = cpu_of_children()
    started = time.monotonic()
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)
    elapsed = time.monotonic() - started
    LAST_CPU[0] = cpu_of_children() - cpu
    if done.returncode not in ok:
        sys.stderr.write(done.stdout.decode(errors="replace") + done.stderr.decode(errors="replace"))
        raise SystemExit(f"bench-spark: `{' '.join(command[:4])} ...` failed ({done.returncode})")
    return elapsed


def make_warcs(out: str, files: int, pages: int) -> list[str]:
    done = subprocess.run(
        [sys.executable, os.path.join(HERE, "make_warcs.py"), "--out", out, "--files", str(files),
         "--pages", str(pages)],
        check=True, stdout=subprocess.PIPE,
    )
    return done.stdout.decode().split()


def spark_job(python: str, newsdex: str, warcs: list[str], out: str, cores: int):
    """The job's wall time, and the seconds it reports for its tasks and output."""
    env = dict(os.environ, PYSPARK_PYTHON=python)
    command = [python, os.path.join(HERE, "newsdex_spark.py"), "--master", f"local[{cores}]",
               "--partitions", str(len(warcs)), "--newsdex", newsdex, "--out", out, *warcs]
    started = time.monotonic()
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    wall = time.monotonic() - started
    summary = done.stdout.decode(errors="replace")
    if done.returncode != 0 or "s in tasks" not in summary:
        sys.stderr.write(summary + done.stderr.decode(errors="replace"))
        raise SystemExit(f"bench-spark: the Spark job failed ({done.returncode})")
    tasks = float(summary.split("s in tasks")[0].rsplit("(", 1)[1])
    return wall, tasks


def bench_job(work: str, newsdex: str, python: str, pages: int, files: int) -> dict:
    warcs = make_warcs(os.path.join(work, "warcs"), files, pages)
    size = sum(os.path.getsize(path) for path in warcs)
    print(f"{len(warcs)} WARC files, {pages} pages, {size / 1e6:.1f} MB gzipped", flush=True)
    figures = {}
    ingest = ["--warc"] * (2 * len(warcs))
    ingest[1::2] = warcs
    local = timed([newsdex, "--data-dir", os.path.join(work, "local"), "--quiet", "ingest", *ingest])
    shutil.rmtree(os.path.join(work, "local"))
    figures["local"] = local
    print(f"  newsdex ingest --warc (one process): {local:6.1f} s  {pages / local:7.0f} pages/s, "
          f"{LAST_CPU[0]:.1f} CPU s ({pages / LAST_CPU[0]:.0f} pages per CPU s)", flush=True)
    for cores in (1, 2):
        out = os.path.join(work, f"out-{cores}")
        wall, tasks = spark_job(python, newsdex, warcs, out, cores)
        shutil.rmtree(out)
        figures[f"local[{cores}]"] = (wall, tasks)
        print(f"  Spark local[{cores}]: {wall:6.1f} s wall ({pages / wall:5.0f} pages/s), "
              f"{tasks:6.1f} s in tasks and output ({pages / tasks:5.0f} pages/s, "
              f"{pages / tasks / cores:5.0f} per executor core)", flush=True)
    shutil.rmtree(os.path.join(work, "warcs"))
    return figures


WORDS = (
    "government minister council harbour budget election railway hospital energy trade school "
    "housing court police weather market bank union strike vote report inquiry agreement talks "
    "summit treaty border climate tax prices wages transport port airport museum festival river "
    "bridge district region county province capital village farmers workers teachers doctors "
    "nurses students pensioners officials analysts critics residents voters leaders members "
    "committee parliament senate assembly ministry agency authority company industry factory"
).split()
WORDS += [f"{a}{b}" for a in ("pre", "re", "over", "under", "counter", "co") for b in WORDS[:60]]
NAMES = [
    "Keir Starmer", "Emmanuel Macron", "Olaf Scholz", "Giorgia Meloni", "Volodymyr Zelensky",
    "Ursula von der Leyen", "Jane Okafor", "Pedro Sánchez", "Mark Rutte", "Anna Lindqvist",
    "Narendra Modi", "Donald Tusk", "Kyriakos Mitsotakis", "António Guterres", "Christine Lagarde",
]


def record_lines(shard: int, articles: int) -> bytes:
    """`articles` record lines for shard `shard`: every article its own URL and text."""
    rng = random.Random(shard)
    out = []
    for number in range(articles):
        url = f"https://site{number % 40}.example/{shard}/{number}"
        person = rng.choice(NAMES)
        title = f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} {shard}-{number}"
        text = f"{person} said " + " ".join(rng.choices(WORDS, k=140)) + "."
        start = len(title) + 2
        day = 1 + (shard + number) % 28
        body = (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
                f"<p>{text}</p></article></body></html>").encode()
        line = {
            "warc": shard,
            "record": number,
            "source": url,
            "article": {
                "url": url, "title": title, "authors": [], "published": f"2026-11-{day:02d}T08:00:00Z",
                "modified": None, "site_name": None, "language": "en", "description": None,
                "section": None, "tags": [], "image": None, "text": text, "canonical_url": None,
                "blocks": [],
            },
            "persons": [{"name": person, "mentions": [
                {"start": start, "end": start + len(person), "text": person}]}],
            "raw": {
                "url": url, "final_url": url, "status": 200,
                "headers": [["Content-Type", "text/html; charset=utf-8"]],
                "fetched_at": f"2026-11-{day:02d}T09:00:00Z",
                "body_base64": base64.b64encode(body).decode(),
            },
        }
        out.append(json.dumps(line, ensure_ascii=False))
    return ("\n".join(out) + "\n").encode()


def write_shard(newsdex: str, dir: str, shard: int, articles: int) -> float:
    lines = record_lines(shard, articles)
    started = time.monotonic()
    done = subprocess.run([newsdex, "--quiet", "shard", "write", os.path.join(dir, f"shard-{shard:05d}")],
                          input=lines, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if done.returncode != 0:
        raise SystemExit(f"bench-spark: shard write failed: {done.stderr.decode(errors='replace')}")
    return time.monotonic() - started


def bench_import(work: str, newsdex: str, counts: list[int], articles: int, max_bytes: int) -> dict:
    shards = os.path.join(work, "shards")
    os.makedirs(shards)
    # Measure a first batch, then decide how many shards the disk budget allows: the shards
    # themselves, and the largest import's data directory (about as big again).
    first = min(10, max(counts))
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        spent = sum(pool.map(lambda n: write_shard(newsdex, shards, n, articles), range(first)))
    per_shard = du(shards) / first
    affordable = int(max_bytes / (per_shard * 2.2))
    largest = max(counts)
    if affordable < largest:
        print(f"  shards of {per_shard / 1e6:.1f} MB: {largest} do not fit in "
              f"{max_bytes / 1e9:.1f} GB with their import; measuring up to {affordable}")
        counts = sorted({min(count, affordable) for count in counts})
        largest = max(counts)
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        spent += sum(pool.map(lambda n: write_shard(newsdex, shards, n, articles), range(first, largest)))
    print(f"  {largest} shards of {articles} articles built ({per_shard / 1e6:.1f} MB each; "
          f"shard write: {largest * articles / spent:.0f} articles/s per process)", flush=True)
    figures = {}
    for count in counts:
        subset = os.path.join(work, f"set-{count}")
        os.makedirs(subset)
        for number in range(count):
            name = f"shard-{number:05d}"
            os.symlink(os.path.join(shards, name), os.path.join(subset, name))
        data = os.path.join(work, f"data-{count}")
        elapsed = timed([newsdex, "--data-dir", data, "--quiet", "import", subset])
        size = du(data)
        figures[count] = elapsed
        print(f"  import of {count:5d} shards ({count * articles:9d} articles): {elapsed:7.1f} s "
              f"{count * articles / elapsed:8.0f} articles/s, data dir {size / 1e9:.2f} GB", flush=True)
        shutil.rmtree(data)
        shutil.rmtree(subset)
    shutil.rmtree(shards)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--newsdex", required=True, help="a release build of newsdex")
    parser.add_argument("--python", default=os.path.join(HERE, ".venv", "bin", "python"),
                        help="the Python with PySpark (scale/spark/.venv)")
    parser.add_argument("--pages", type=int, default=8000)
    parser.add_argument("--files", type=int, default=4)
    parser.add_argument("--shards", default="10,100,1000")
    parser.add_argument("--shard-articles", type=int, default=1000)
    parser.add_argument("--max-gb", type=float, default=4.0)
    parser.add_argument("--work", default=None, help="where to generate (default: a temp dir)")
    parser.add_argument("--skip-job", action="store_true", help="only the import figures")
    parser.add_argument("--skip-import", action="store_true", help="only the job figures")
    args = parser.parse_args()
    newsdex = os.path.abspath(args.newsdex)
    work = tempfile.mkdtemp(prefix="bench-spark-", dir=args.work)
    print(f"bench-spark: {os.cpu_count()} CPUs, working in {work}")
    try:
        if not args.skip_job:
            print("clean and index WARC files:")
            bench_job(work, newsdex, args.python, args.pages, args.files)
        if not args.skip_import:
            print("import (merge) shards:")
            counts = sorted({int(count) for count in args.shards.split(",") if count.strip()})
            bench_import(work, newsdex, counts, args.shard_articles, int(args.max_gb * 1e9))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
