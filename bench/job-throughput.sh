#!/usr/bin/env bash
# Issue 3's job benchmark: the job against a raw KafkaConsumer and typical DataStream/SQL jobs,
# all reading one pre-loaded topic; broker in its own JVM, Flink on a local MiniCluster.
# Usage: bench/job-throughput.sh [--records N] [--rounds R] [--parallelism P] [--only a,d,e]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl bench -am install -DskipTests
mvn -B -q -pl bench dependency:build-classpath -Dmdep.outputFile=target/bench.classpath
exec java -Xmx4g -cp "bench/target/classes:$(cat bench/target/bench.classpath)" io.sluice.bench.JobThroughputBench "$@"
