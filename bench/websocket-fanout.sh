#!/usr/bin/env bash
# Issue 4's benchmark: websocket-sink's fan-out to K connections against a bare Jetty broadcast;
# Redis, websocket-sink and the bare server each in a JVM of its own, this JVM the load generator.
# Usage: bench/websocket-fanout.sh [--connections 1000,5000,10000] [--rate 10] [--duration 20]
#                                  [--rounds 3] [--groups 10] [--tags 4]
#                                  [--modes sluice-redis,sluice-http,bare] [--client jetty|raw]
#                                  [--server.KEY VALUE]...
set -euo pipefail
cd "$(dirname "$0")/.."
# Each process holds up to K sockets: raise the open-file limit as far as allowed (64 Ki is plenty).
hard=$(ulimit -Hn)
if [ "$hard" = unlimited ] || [ "$hard" -gt 65536 ]; then hard=65536; fi
ulimit -n "$hard"
mvn -B -q -pl bench,websocket-sink -am install -DskipTests
mvn -B -q -pl bench dependency:build-classpath -Dmdep.outputFile=target/bench.classpath
# The servers run on websocket-sink's own runtime classpath (Jetty 12 with slf4j 2).
mvn -B -q -pl websocket-sink dependency:build-classpath -Dmdep.includeScope=runtime \
  -Dmdep.outputFile=../bench/target/websocket-sink.classpath
# websocket-sink is on Jetty's core WebSocket API; the bare server also needs Jetty's WebSocket API.
mvn -B -q -pl bench dependency:build-classpath -DincludeGroupIds=org.eclipse.jetty.websocket \
  -DincludeArtifactIds=jetty-websocket-jetty-server,jetty-websocket-jetty-common,jetty-websocket-jetty-api \
  -Dmdep.outputFile=target/bare-websocket.classpath
exec java -Xmx4g -cp "bench/target/classes:$(cat bench/target/bench.classpath)" io.sluice.bench.FanoutBench \
  --server-classpath "$PWD/websocket-sink/target/classes:$(cat bench/target/websocket-sink.classpath):$(cat bench/target/bare-websocket.classpath)" "$@"
