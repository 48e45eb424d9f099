#!/usr/bin/env bash
# Runs and operates the Sluice job on a Flink 2.2 session cluster, through `flink`.
#
#   submit.sh [run] [--key value]...                     submit the job; prints its JobID
#   submit.sh list                                       the cluster's running and scheduled jobs
#   submit.sh cancel JOBID                               cancel (the last checkpoint is retained)
#   submit.sh stop JOBID [SAVEPOINT_DIR]                 stop with a savepoint; prints its path
#   submit.sh resume SAVEPOINT [-p N] [--key value]...   submit again from a savepoint or a
#                                                        retained checkpoint, N parallel
#
#   KAFKA_BOOTSTRAP_SERVERS=kafka1:9092 JDBC_URL=jdbc:postgresql://db:5432/sluice \
#   REDIS_URL=redis://cache:6379 SLUICE_JDBC_PASSWORD=... flink-deploy/standalone/submit.sh run
#
# Environment:
#   FLINK_HOME               a Flink 2.2 distribution; its conf/config.yaml (or FLINK_CONF_DIR's)
#                            names the cluster (rest.address, rest.port). Unset: the cluster that
#                            cluster.sh started (its cluster.env under SLUICE_CLUSTER_DIR, default
#                            flink-deploy/standalone/target/cluster).
#   KAFKA_BOOTSTRAP_SERVERS, JDBC_URL, REDIS_URL
#                            the three addresses, passed as --kafka.bootstrap.servers, --jdbc.url,
#                            --redis.url (run and resume: a cluster has no "embedded" services)
#   SLUICE_JAR               the job's jar (default: job/target/sluice-job-*-shaded.jar)
#   SLUICE_*                 any key of conf/sluice.properties, read by the job's main() on this
#                            machine (e.g. SLUICE_JDBC_USER, SLUICE_JDBC_PASSWORD: a password in the
#                            environment stays out of the program arguments the web UI shows)
#   FLINK_RUN_OPTS           further `flink run` options, before the jar (-m HOST:PORT, ...)
# Arguments after the verb go to the job as they are: --job.checkpoint.interval.ms 5000 ...
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

fail() { echo "submit.sh: $*" >&2; exit 1; }

verb=run
case "${1:-}" in
  run | list | cancel | stop | resume) verb=$1; shift ;;
  -* | "") ;;
  *) fail "unknown verb $1: run, list, cancel, stop or resume" ;;
esac

if [ -z "${FLINK_HOME:-}" ]; then
  env_file=${SLUICE_CLUSTER_DIR:-$here/target/cluster}/cluster.env
  [ -f "$env_file" ] || fail "set FLINK_HOME to a Flink 2.2 distribution, or start a cluster with flink-deploy/standalone/cluster.sh start"
  # shellcheck source=/dev/null
  . "$env_file"
  export FLINK_HOME FLINK_CONF_DIR
fi
[ -x "$FLINK_HOME/bin/flink" ] || fail "$FLINK_HOME/bin/flink is missing: is FLINK_HOME a Flink distribution?"
conf_dir=${FLINK_CONF_DIR:-$FLINK_HOME/conf}

# The REST endpoint from config.yaml, flat (rest.port: 8081) or nested (rest:\n  port: 8081).
conf_value() {
  local key=$1 file=$conf_dir/config.yaml
  [ -f "$file" ] || return 0
  awk -v key="$key" '
    /^[^ #][^:]*:/ { top = $1; sub(":", "", top) }
    $1 == key ":" { print $2; exit }
    top == "rest" && $1 == substr(key, 6) ":" { print $2; exit }' "$file"
}
rest_address=$(conf_value rest.address)
rest_port=$(conf_value rest.port)
rest="http://${rest_address:-localhost}:${rest_port:-8081}"
curl -sf --max-time 5 "$rest/overview" > /dev/null \
  || fail "no Flink cluster answers at $rest (rest.address and rest.port of $conf_dir/config.yaml); start one with flink-deploy/standalone/cluster.sh start"

flink=("$FLINK_HOME/bin/flink")

run_job() {
  for var in KAFKA_BOOTSTRAP_SERVERS JDBC_URL REDIS_URL; do
    [ -n "${!var:-}" ] || fail "set $var (the job needs Kafka, PostgreSQL and Redis addresses)"
  done
  local jar=${SLUICE_JAR:-}
  if [ -z "$jar" ]; then
    jar=$(ls "$root"/job/target/sluice-job-*-shaded.jar 2> /dev/null | head -n 1 || true)
  fi
  [ -n "$jar" ] && [ -f "$jar" ] || fail "no job jar${SLUICE_JAR:+ at $SLUICE_JAR}; build it with: mvn -B -pl job -am package -DskipTests"
  local opts=("$@")
  # -d: detached; the command returns once the cluster has accepted the job and prints its JobID.
  # shellcheck disable=SC2086 # FLINK_RUN_OPTS is a list of options
  exec "${flink[@]}" run -d ${FLINK_RUN_OPTS:-} "${opts[@]}" "$jar" \
    --kafka.bootstrap.servers "$KAFKA_BOOTSTRAP_SERVERS" \
    --jdbc.url "$JDBC_URL" \
    --redis.url "$REDIS_URL" \
    "${job_args[@]}"
}

case "$verb" in
  run)
    job_args=("$@")
    run_job
    ;;
  list)
    exec "${flink[@]}" list -m "${rest#http://}"
    ;;
  cancel)
    [ $# -eq 1 ] || fail "cancel needs the JobID (submit.sh list shows it)"
    exec "${flink[@]}" cancel -m "${rest#http://}" "$1"
    ;;
  stop)
    [ $# -ge 1 ] && [ $# -le 2 ] || fail "stop needs the JobID, and optionally a savepoint directory"
    if [ $# -eq 2 ]; then
      exec "${flink[@]}" stop -m "${rest#http://}" --savepointPath "$2" "$1"
    fi
    grep -qs 'savepoint-dir' "$conf_dir/config.yaml" \
      || fail "no savepoint directory: give one (submit.sh stop JOBID DIR) or set execution.checkpointing.savepoint-dir"
    exec "${flink[@]}" stop -m "${rest#http://}" "$1"
    ;;
  resume)
    [ $# -ge 1 ] || fail "resume needs the savepoint's path (submit.sh stop prints it)"
    savepoint=$1
    shift
    if [[ "$savepoint" == file://* || "$savepoint" == /* ]]; then
      local_path=${savepoint#file://}
      [ -e "$local_path" ] || fail "no savepoint at $savepoint"
    fi
    opts=(-s "$savepoint")
    if [ "${1:-}" = "-p" ]; then
      [ $# -ge 2 ] && [[ "$2" =~ ^[1-9][0-9]*$ ]] || fail "-p needs a parallelism of 1 or more"
      opts+=(-p "$2")
      shift 2
    fi
    job_args=("$@")
    run_job "${opts[@]}"
    ;;
esac
