"""Turn WARC files into a newsdex archive on Apache Spark.

Each Spark task takes whole WARC files (never a part of one) and pipes each through the
`newsdex` binary (`newsdex clean --jsonl --warc`), which cleans every HTML response and finds
its persons, one JSON line per record. The task feeds those lines to `newsdex shard write`,
which builds one index shard for its partition (an ordinary tantivy index, plus the raw
records that `newsdex import` files into the page store and that `rebuild` re-cleans later).
The same lines become the job's Parquet output: `articles/` (one row per article, the fields
of `newsdex show --json`, persons as a list of names) and `failures/` (one row per record or
page that could not be read or cleaned; the job goes on).

    spark-submit --master spark://host:7077 --files target/release/newsdex \
        scale/spark/newsdex_spark.py --newsdex ./newsdex --out hdfs:///news/out \
        'hdfs:///cc-news/2026/11/*.warc.gz'

then, on the machine that keeps the archive, `newsdex import OUT/shards` (shards must be on a
local filesystem for the import: copy them down first when OUT is on HDFS or S3).

Why the binary, not a Python module: see "Scale-out" in ARCHITECTURE.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import threading
import time
from urllib.parse import urlparse

ARTICLE_FIELDS = (
    "url title authors published modified site_name language description section tags "
    "image text canonical_url"
).split()


def record_schema():
    """The fields of a record line the Parquet outputs keep (the raw response is left out)."""
    from pyspark.sql import types as T

    person = T.StructType([T.StructField("name", T.StringType())])
    article = T.StructType(
        [
            T.StructField("url", T.StringType()),
            T.StructField("title", T.StringType()),
            T.StructField("authors", T.ArrayType(T.StringType())),
            T.StructField("published", T.StringType()),
            T.StructField("modified", T.StringType()),
            T.StructField("site_name", T.StringType()),
            T.StructField("language", T.StringType()),
            T.StructField("description", T.StringType()),
            T.StructField("section", T.StringType()),
            T.StructField("tags", T.ArrayType(T.StringType())),
            T.StructField("image", T.StringType()),
            T.StructField("text", T.StringType()),
            T.StructField("canonical_url", T.StringType()),
        ]
    )
    return T.StructType(
        [
            T.StructField("warc", T.LongType()),
            T.StructField("record", T.LongType()),
            T.StructField("source", T.StringType()),
            T.StructField("article", article),
            T.StructField("persons", T.ArrayType(person)),
            T.StructField("skipped", T.StringType()),
            T.StructField("error", T.StringType()),
        ]
    )


def is_local(path: str) -> bool:
    """Whether the executors can open `path` as a file themselves (no scheme, or file:)."""
    scheme = urlparse(path).scheme
    return scheme in ("", "file") or len(scheme) == 1  # a Windows drive letter


def local_path(path: str) -> str:
    return urlparse(path).path if path.startswith("file:") else path


def list_inputs(spark, patterns: list[str]) -> list[str]:
    """Every WARC file the patterns name (globs expanded by the Hadoop filesystem), sorted:
    a file's place in this list is its number, which orders the archive."""
    jvm = spark.sparkContext._jvm
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    found = set()
    for pattern in patterns:
        if is_local(pattern):
            pattern = "file://" + os.path.abspath(local_path(pattern))
        path = jvm.org.apache.hadoop.fs.Path(pattern)
        statuses = path.getFileSystem(conf).globStatus(path)
        if not statuses:
            raise SystemExit(f"newsdex_spark: no WARC file matches `{pattern}`")
        for status in statuses:
            if status.isFile():
                found.add(status.getPath().toString())
    return sorted(found)


def run_cleaner(newsdex: str, number: int, source, sink):
    """Cleans one WARC file (a local path, or its bytes) and hands each line, tagged with the
    file's number, to `sink`. A record that cannot be read is a line with an error; only a
    failure of the command itself raises (and Spark retries the task)."""
    from_bytes = isinstance(source, (bytes, bytearray))
    command = [newsdex, "--quiet", "clean", "--jsonl", "--warc", "-" if from_bytes else source]
    process = subprocess.Popen(
        command,
        stdin=subprocess.PIPE if from_bytes else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    errors = []
    drain = threading.Thread(target=lambda: errors.append(process.stderr.read()))
    drain.start()
    feeder = None
    if from_bytes:

        def feed():
            try:
                process.stdin.write(source)
            except BrokenPipeError:
                pass
            finally:
                process.stdin.close()

        feeder = threading.Thread(target=feed)
        feeder.start()
    prefix = b'{"warc":%d,' % number
    for line in process.stdout:
        if line.startswith(b"{"):
            sink(prefix + line[1:])
    code = process.wait()
    if feeder:
        feeder.join()
    drain.join()
    # 0: all clean; 1: some records failed, each reported in its line.
    if code not in (0, 1):
        message = b"".join(errors).decode("utf-8", "replace").strip()
        raise RuntimeError(f"`{' '.join(command)}` failed ({code}): {message}")


def make_task(newsdex: str, shards_dir: str):
    def task(partition: int, items):
        items = sorted(items, key=lambda item: item[0])
        shard = os.path.join(shards_dir, f"shard-{partition:05d}")
        writer = subprocess.Popen(
            [newsdex, "--quiet", "shard", "write", shard],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        errors = []
        drain = threading.Thread(target=lambda: errors.append(writer.stderr.read()))
        drain.start()
        lines = []

        def sink(line: bytes):
            writer.stdin.write(line)
            lines.append(line)

        try:
            for number, source in items:
                run_cleaner(newsdex, number, source, sink)
                # Hand each file's lines on before the next file, so memory holds one file's.
                yield from (line.decode("utf-8") for line in lines)
                lines.clear()
        finally:
            writer.stdin.close()
            code = writer.wait()
            drain.join()
        if code != 0:
            message = b"".join(errors).decode("utf-8", "replace").strip()
            raise RuntimeError(f"`newsdex shard write {shard}` failed ({code}): {message}")

    return task


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("warcs", nargs="+", help="WARC files or globs (any Hadoop filesystem URL)")
    parser.add_argument("--out", required=True, help="output directory (articles/, failures/, shards/)")
    parser.add_argument(
        "--partitions",
        type=int,
        default=None,
        help="index shards to build (default: one per WARC file)",
    )
    parser.add_argument(
        "--master",
        default=None,
        help="Spark master when run without spark-submit (default: local[*])",
    )
    parser.add_argument(
        "--newsdex",
        default=os.environ.get("NEWSDEX_BIN", "newsdex"),
        help="the newsdex binary as the executors see it (ship it with --files)",
    )
    args = parser.parse_args(argv)

    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    builder = SparkSession.builder.appName("newsdex")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    sc = spark.sparkContext
    paths = list_inputs(spark, args.warcs)
    partitions = max(1, min(args.partitions or len(paths), len(paths)))
    numbers = {path: number for number, path in enumerate(paths)}
    out = args.out
    if not is_local(out):
        raise SystemExit("newsdex_spark: --out must be a local or shared (NFS) path for the shards")
    out = os.path.abspath(local_path(out))
    shards_dir = os.path.join(out, "shards")
    if os.path.exists(shards_dir):
        shutil.rmtree(shards_dir)
    os.makedirs(shards_dir)

    if all(is_local(path) for path in paths):
        # Executors read the files themselves: nothing is copied through Spark.
        items = sc.parallelize(
            [(number, local_path(path)) for path, number in numbers.items()], partitions
        )
    else:
        items = sc.binaryFiles(",".join(paths), partitions).map(
            lambda pair: (numbers[pair[0]], pair[1])
        )
    # From here on the tasks run: the time the cluster spends per page, without the JVM's and
    # the session's start-up.
    started = time.monotonic()
    lines = items.mapPartitionsWithIndex(make_task(args.newsdex, shards_dir))
    records = spark.read.schema(record_schema()).json(lines).cache()
    articles = records.where(F.col("article").isNotNull()).select(
        "warc",
        "record",
        *[F.col("article." + field).alias(field) for field in ARTICLE_FIELDS],
        F.expr("transform(persons, p -> p.name)").alias("persons"),
    )
    articles.write.mode("overwrite").parquet(os.path.join(out, "articles"))
    failures = records.where(F.col("error").isNotNull()).select("warc", "record", "source", "error")
    failures.write.mode("overwrite").parquet(os.path.join(out, "failures"))
    counts = records.agg(
        F.count("*").alias("records"),
        F.count("article").alias("articles"),
        F.count("error").alias("failures"),
    ).first()
    elapsed = time.monotonic() - started
    print(
        f"newsdex_spark: {len(paths)} WARC files, {partitions} shards: "
        f"{counts['records']} records, {counts['articles']} articles, "
        f"{counts['failures']} failures -> {out} ({elapsed:.1f}s in tasks and output, "
        f"{counts['records'] / max(elapsed, 1e-3):.0f} records/s)"
    )
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
