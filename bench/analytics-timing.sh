#!/usr/bin/env bash
# Issue 13's timing of the SQL analytics functions on an embedded PostgreSQL: a 1-day rollup of 30
# tags' 1 s windows into hours and a 1,000-point decimation of one tag's 7 days, each beside a plain
# SELECT of the same rows (the windows are generated in SQL). Prints every run and the medians; see
# bench/README.md.
#
#   bench/analytics-timing.sh [--rounds N]     (default 5, after one untimed warm-up)
#
# No `mvn install`: bench and the modules it uses are packaged in one reactor build, and the
# classpath points at their target/ folders.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl bench -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=runtime
exec java -cp "bench/target/classes:$(cat bench/target/bench.classpath)" \
    io.sluice.bench.AnalyticsTimingBench "$@"
