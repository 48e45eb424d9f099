#!/usr/bin/env bash
# Submits the Sluice job to a running Flink 2.2 cluster (standalone session) with `flink run`.
#
#   FLINK_HOME=/opt/flink-2.2.1 \
#   KAFKA_BOOTSTRAP_SERVERS=kafka1:9092 JDBC_URL=jdbc:postgresql://db:5432/sluice REDIS_URL=redis://cache:6379 \
#   SLUICE_JDBC_PASSWORD=... flink-deploy/standalone/submit.sh [--key value]...
#
# Environment:
#   FLINK_HOME               the unpacked Flink distribution; its conf/config.yaml names the cluster
#                            (rest.address, rest.port)
#   KAFKA_BOOTSTRAP_SERVERS, JDBC_URL, REDIS_URL
#                            the three addresses, passed as --kafka.bootstrap.servers, --jdbc.url,
#                            --redis.url (required: a cluster has no "embedded" services)
#   SLUICE_JAR               the job's jar (default: job/target/sluice-job-*-shaded.jar)
#   SLUICE_*                 any key of conf/sluice.properties, read by the job's main() on this
#                            machine (e.g. SLUICE_JDBC_USER, SLUICE_JDBC_PASSWORD: a password in the
#                            environment stays out of the program arguments the web UI shows)
# Further arguments go to the job as they are: --job.parallelism 4 --job.checkpoint.dir s3://...
# `flink run` options (-p, -s SAVEPOINT, -m HOST:PORT) go before the jar: FLINK_RUN_OPTS="-s s3://...".
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

fail() { echo "submit.sh: $*" >&2; exit 1; }

[ -n "${FLINK_HOME:-}" ] || fail "set FLINK_HOME to the unpacked Flink 2.2.1 distribution"
[ -x "$FLINK_HOME/bin/flink" ] || fail "$FLINK_HOME/bin/flink is missing: is FLINK_HOME a Flink distribution?"
for var in KAFKA_BOOTSTRAP_SERVERS JDBC_URL REDIS_URL; do
  [ -n "${!var:-}" ] || fail "set $var (the job needs Kafka, PostgreSQL and Redis addresses)"
done

jar=${SLUICE_JAR:-}
if [ -z "$jar" ]; then
  jar=$(ls "$root"/job/target/sluice-job-*-shaded.jar 2>/dev/null | head -n 1 || true)
fi
[ -n "$jar" ] && [ -f "$jar" ] || fail "no job jar; build it with: mvn -B -pl job -am package -DskipTests"

# -d: detached; the command returns once the cluster has accepted the job and prints its JobID.
# shellcheck disable=SC2086 # FLINK_RUN_OPTS is a list of options
exec "$FLINK_HOME/bin/flink" run -d ${FLINK_RUN_OPTS:-} "$jar" \
  --kafka.bootstrap.servers "$KAFKA_BOOTSTRAP_SERVERS" \
  --jdbc.url "$JDBC_URL" \
  --redis.url "$REDIS_URL" \
  "$@"
