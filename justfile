# newsdex recipes. Each is a thin wrapper over cargo; run `just --list` to see them.
# Install just with `cargo install just`. Every recipe also works without it: copy the command.

set positional-arguments

newsdex := "cargo run --release --quiet --bin newsdex --"

default:
    @just --list

# fetch, store, clean and index URLs, files or directories
ingest *ARGS:
    {{newsdex}} ingest "$@"

# search the archive
search *ARGS:
    {{newsdex}} search "$@"

# re-clean every stored page and swap in a fresh index (no network)
rebuild:
    {{newsdex}} rebuild

# who is named most often (`just persons --with Zelensky`)
persons *ARGS:
    {{newsdex}} persons "$@"

# the search API and page on http://127.0.0.1:8080 (`just serve --addr 127.0.0.1:9000`)
serve *ARGS:
    {{newsdex}} serve "$@"

# archive statistics
stats *ARGS:
    {{newsdex}} stats "$@"

# ingest the bundled samples into a throwaway data dir and search them
demo:
    #!/usr/bin/env bash
    set -euo pipefail
    dir=$(mktemp -d)
    trap 'rm -rf "$dir"' EXIT
    {{newsdex}} --data-dir "$dir" ingest data/samples
    {{newsdex}} --data-dir "$dir" search "Coalition of the Willing"
    {{newsdex}} --data-dir "$dir" stats

# all tests (what CI runs)
test *ARGS:
    cargo test --workspace --locked "$@"

# formatting, lints with warnings denied, tests
ready:
    cargo fmt --all --check
    cargo clippy --workspace --all-targets --locked -- -D warnings
    cargo test --workspace --locked

# score the cleaner on the shared gold sets (see `newsdex eval clean --help`)
eval *ARGS:
    {{newsdex}} eval clean "$@"

# score the person extractor on CoNLL-2003 validation
eval-persons *ARGS:
    {{newsdex}} eval persons "$@"

# score the person extractor on the modern web-news dev set (`just eval-persons-modern --errors`)
eval-persons-modern *ARGS:
    {{newsdex}} eval persons --modern "$@"

# retrain the person tagger from ../shared/data/conll2003 (deterministic) into data/persons/model.bin
train-persons:
    cargo run --release -p newsdex-eval --bin train-persons -- --shared ../shared --out data/persons/model.bin

# person extraction throughput, one core
bench-persons:
    cargo bench -p newsdex-persons --bench throughput

# cleaner speed on every fixture page, against dom_smoothie and the trafilatura crate (one core)
bench-clean:
    cargo bench --manifest-path bench/clean-compare/Cargo.toml --bench compare -- --rounds 3

# `newsdex clean` start-up: the CPU a one-page process spends beyond cleaning the page, on the
# samples and 100 fixture pages from ../shared (`just bench-startup --compare OLD_BINARY`)
bench-startup *ARGS:
    cargo build --release --quiet --bin newsdex
    python3 bench/startup.py "$@"

# ingest speed: generated pages from 20 local fake hosts (release), pages/s and peak memory
bench-ingest:
    cargo bench -p newsdex --bench ingest

# search: index 100,000 generated articles, then query latency p50/p99 per query class
bench-search *ARGS:
    cargo bench -p newsdex-index --bench search -- "$@"

# the web app and API under load: concurrent loopback clients for SECONDS against a generated
# archive of ARTICLES (the search bench's generator, kept in target/bench-serve-ARTICLES);
# requests/s and p50/p99 per endpoint
bench-serve ARTICLES="100000" CLIENTS="16" SECONDS="20":
    #!/usr/bin/env bash
    set -euo pipefail
    dir="$(pwd)/target/bench-serve-{{ARTICLES}}"
    mkdir -p "$dir"
    if [ ! -f "$dir/index/CURRENT" ]; then
        cargo bench -p newsdex-index --bench search -- --articles {{ARTICLES}} --queries 1 --keep "$dir"
    fi
    cargo bench -p newsdex --bench serve -- --data-dir "$dir" --clients {{CLIENTS}} --seconds {{SECONDS}}

# Spark: install a pinned PySpark into scale/spark/.venv and check for Java 17+
spark-setup:
    bash scale/spark/setup.sh

# Spark: run the job on WARC files in local[*] mode, then import the shards into the archive
spark-ingest +WARCS:
    bash scale/spark/ingest.sh "$@"

# Spark figures (release build): pages/s of the job on local[1] and local[2] against one
# `ingest --warc` process over the same generated WARC files, and `import` time for 10, 100 and
# 1,000 shards of 1,000 articles (`just bench-spark --pages 20000 --max-gb 2`; see --help)
bench-spark *ARGS:
    cargo build --release --quiet --bin newsdex
    bash scale/spark/setup.sh >/dev/null
    python3 scale/spark/bench.py --newsdex target/release/newsdex "$@"

# every benchmark
bench: bench-clean bench-startup bench-persons bench-ingest bench-search bench-serve bench-spark

# A crash input lands in fuzz/artifacts/TARGET/: copy it to fuzz/regressions/TARGET/ and
# `cargo test` replays it from then on. Needs the nightly toolchain and cargo-fuzz.
# fuzz one target for SECONDS (`just fuzz query 600`), or every target in turn (`just fuzz all`)
fuzz TARGET="all" SECONDS="600":
    #!/usr/bin/env bash
    set -euo pipefail
    targets="{{TARGET}}"
    if [ "$targets" = all ]; then targets="query clean warc url feed sitemap persons_tag"; fi
    for target in $targets; do
        echo "== fuzzing $target for {{SECONDS}} s"
        cargo +nightly fuzz run "$target" "fuzz/corpus/$target" -- -max_total_time={{SECONDS}} -rss_limit_mb=4096
    done
