#!/usr/bin/env bash
# Issue 5's demo figures: time from the demo command to the first live update, and the demo's steady
# CPU and memory at its default rate, beside the embedded services alone (same run).
# Usage: bench/demo-figures.sh [--rounds 3] [--warmup-s 30] [--steady-s 60]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl bench,flink-deploy/demo -am install -DskipTests
mvn -B -q -pl bench dependency:build-classpath -Dmdep.outputFile=target/bench.classpath
exec java -Xmx1g -cp "bench/target/classes:$(cat bench/target/bench.classpath)" io.sluice.bench.DemoBench "$@"
