#!/usr/bin/env bash
# Issue 11's benchmark: websocket-sink against Soketi 1.6.1 in the same run, under Node clients that
# behave like pusher-js, publishing with the pusher SDK (and, for websocket-sink, the job's Redis path).
# Usage: bench/pusher-fanout.sh [--connections 1000,5000,10000] [--rounds 3] [--duration 20]
#                               [--rate 10] [--channels 10] [--bytes 200] [--workers 2]
#                               [--modes soketi-http,sluice-http,sluice-redis]
#                               [--server-jvm "JVM options"] [--server.KEY VALUE]...
set -euo pipefail
cd "$(dirname "$0")/.."
hard=$(ulimit -Hn)
if [ "$hard" = unlimited ] || [ "$hard" -gt 65536 ]; then hard=65536; fi
ulimit -n "$hard"
npm ci --no-audit --no-fund --silent --prefix bench/node
# Soketi from the npm registry into a scratch folder, never committed. Its uWebSockets.js is a git
# URL that cannot be fetched here: the override puts a published build of the same library there.
soketi=bench/target/soketi
if [ ! -f "$soketi/node_modules/@soketi/soketi/bin/server.js" ]; then
  mkdir -p "$soketi"
  cat > "$soketi/package.json" <<'JSON'
{
  "name": "soketi-baseline",
  "private": true,
  "dependencies": { "@soketi/soketi": "1.6.1" },
  "overrides": { "uWebSockets.js": "npm:@trufflesuite/uws-js-unofficial@20.30.0-unofficial.0" }
}
JSON
  npm install --no-audit --no-fund --silent --prefix "$soketi"
fi
mvn -B -q -pl bench,websocket-sink -am install -DskipTests
mvn -B -q -pl bench dependency:build-classpath -Dmdep.outputFile=target/bench.classpath
mvn -B -q -pl websocket-sink dependency:build-classpath -Dmdep.includeScope=runtime \
  -Dmdep.outputFile=../bench/target/websocket-sink.classpath
# websocket-sink runs with the JVM options its launcher gives it (a later --server-jvm wins).
exec java -Xmx2g -cp "bench/target/classes:$(cat bench/target/bench.classpath)" io.sluice.bench.PusherFanoutBench \
  --server-jvm "$(grep -v '^#' websocket-sink/bin/jvm.options | xargs)" --server-classpath "$PWD/websocket-sink/target/classes:$(cat bench/target/websocket-sink.classpath)" "$@"
