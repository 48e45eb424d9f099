#!/usr/bin/env bash
# Issue 2's benchmark: simulator throughput against a raw producer, broker in its own JVM.
# Usage: bench/simulator-throughput.sh [--records N] [--rounds R] [--tags T]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl bench -am install -DskipTests
mvn -B -q -pl bench dependency:build-classpath -Dmdep.outputFile=target/bench.classpath
exec java -Xmx4g -cp "bench/target/classes:$(cat bench/target/bench.classpath)" io.sluice.bench.SimulatorThroughputBench "$@"
