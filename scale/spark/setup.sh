#!/usr/bin/env bash
# Installs what the Spark job needs: a pinned PySpark in scale/spark/.venv (made with
# `python3 -m venv`, or uv when it is there) and Java 17 or newer (Debian's
# openjdk-17-jre-headless when missing and apt-get can install it).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
pyspark_version=4.3.0

java_major() {
    java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1
}
if ! command -v java >/dev/null || [ "$(java_major)" -lt 17 ]; then
    if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
        echo "spark-setup: installing openjdk-17-jre-headless"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null
    else
        echo "spark-setup: Java 17 or newer is needed (Debian: apt-get install openjdk-17-jre-headless)" >&2
        exit 1
    fi
fi
echo "spark-setup: java $(java_major)"

venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
    if command -v uv >/dev/null; then
        uv venv -q "$venv"
    else
        python3 -m venv "$venv"
    fi
fi
if ! "$venv/bin/python" -c "import pyspark, sys; sys.exit(pyspark.__version__ != '$pyspark_version')" 2>/dev/null; then
    echo "spark-setup: installing pyspark==$pyspark_version into $venv"
    if command -v uv >/dev/null; then
        uv pip install -q --python "$venv/bin/python" "pyspark==$pyspark_version"
    else
        "$venv/bin/python" -m pip install -q "pyspark==$pyspark_version"
    fi
fi
echo "spark-setup: pyspark $("$venv/bin/python" -c 'import pyspark; print(pyspark.__version__)') in $venv"
