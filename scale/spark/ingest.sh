#!/usr/bin/env bash
# `just spark-ingest WARC...`: the Spark job in local[*] mode over the WARC files (or globs),
# then `newsdex import` of its shards into the archive (NEWSDEX_DATA_DIR, default data/).
# SPARK_OUT keeps the job's output (Parquet articles and failures, shards); default: a
# temporary directory removed afterwards.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cargo build --release --quiet --bin newsdex --manifest-path "$root/Cargo.toml"
newsdex="$root/target/release/newsdex"
bash "$here/setup.sh" >/dev/null
out=${SPARK_OUT:-}
if [ -z "$out" ]; then
    out=$(mktemp -d)
    trap 'rm -rf "$out"' EXIT
fi
"$here/.venv/bin/python" "$here/newsdex_spark.py" --newsdex "$newsdex" --out "$out" \
    ${SPARK_PARTITIONS:+--partitions "$SPARK_PARTITIONS"} "$@"
"$newsdex" import "$out/shards"
