#!/usr/bin/env bash
# Issue 3's job benchmark: the job against a raw KafkaConsumer and typical DataStream/SQL jobs,
# all reading one pre-loaded topic; broker (and for (c) PostgreSQL and Redis) in its own JVM,
# Flink on a local MiniCluster.
# Usage: bench/job-throughput.sh [--records N] [--rounds R] [--warmups W] [--parallelism P] [--only a,b,c,d,e]
#                                [--profile FILE.jfr] [--job.KEY VALUE]...
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl bench -am install -DskipTests
mvn -B -q -pl bench dependency:build-classpath -Dmdep.outputFile=target/bench.classpath
jvm=(-Xmx4g)
case " $* " in
  # Flink's stacks are deep: keep more than JFR's default 64 frames, so operators show up.
  *" --profile"*) jvm+=(-XX:FlightRecorderOptions:stackdepth=256) ;;
esac
exec java "${jvm[@]}" -cp "bench/target/classes:$(cat bench/target/bench.classpath)" io.sluice.bench.JobThroughputBench "$@"
