"""Print what a run of the Spark job wrote, one JSON line per Parquet row, in archive order.

    python dump_output.py OUT [OUT...]

Each line is `{"out": N, "table": "articles"|"failures", "row": {...}}`, N being the place of
OUT among the arguments; rows are sorted by WARC file and record. For looking at a job's
failures, and for the tests, which compare two runs of the same job (one Spark session reads
them all).
"""

from __future__ import annotations

import json
import os
import sys


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.strip().split("\n\n")[1].strip(), file=sys.stderr)
        return 2
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.appName("newsdex-dump")
        .master("local[1]")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:
        for number, out in enumerate(argv):
            for table in ("articles", "failures"):
                path = os.path.join(os.path.abspath(out), table)
                if not os.path.isdir(path):
                    raise SystemExit(f"dump_output: `{path}` is missing: not the output of a job")
                rows = spark.read.parquet(path).orderBy("warc", "record").collect()
                for row in rows:
                    line = {"out": number, "table": table, "row": row.asDict(recursive=True)}
                    print(json.dumps(line, ensure_ascii=False, sort_keys=True))
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
