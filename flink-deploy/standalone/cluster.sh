#!/usr/bin/env bash
# A standalone Flink 2.2 session cluster on this machine: one JobManager and N TaskManagers, each a
# process of its own, as a distribution's bin/jobmanager.sh and bin/taskmanager.sh run them.
#
#   flink-deploy/standalone/cluster.sh start [--taskmanagers N] [--slots S] [--rest-port P]
#                                            [--rpc-port P] [--prometheus-ports FROM-TO]
#                                            [--taskmanager-memory SIZE] [--dir DIR]
#   flink-deploy/standalone/cluster.sh add-taskmanager   # one more, e.g. after one was killed
#   flink-deploy/standalone/cluster.sh status            # exit 0 when the JobManager answers
#   flink-deploy/standalone/cluster.sh stop
#
# Flink comes from FLINK_HOME when it names a Flink 2.2 distribution; otherwise from Flink's jars
# on Maven Central, assembled once by `mvn -pl flink-deploy/standalone package` into
# flink-deploy/standalone/target/flink (lib/, plugins/, bin/flink) in the same layout.
# Everything the cluster writes lives under DIR (default flink-deploy/standalone/target/cluster,
# or SLUICE_CLUSTER_DIR): conf/config.yaml, log/, checkpoints/, savepoints/, and cluster.env,
# which submit.sh reads to find this cluster.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

fail() { echo "cluster.sh: $*" >&2; exit 1; }
say() { echo "cluster.sh: $*"; }

# The Java 17 flags of the distribution's conf/config.yaml (env.java.opts.all); Flink's RPC and
# its serializers need them on every JVM of the cluster and on the client.
JAVA_17_OPTS="--add-exports=java.base/sun.net.util=ALL-UNNAMED \
--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED \
--add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED \
--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED \
--add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED \
--add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED \
--add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED \
--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED \
--add-opens=java.base/java.lang=ALL-UNNAMED \
--add-opens=java.base/java.net=ALL-UNNAMED \
--add-opens=java.base/java.io=ALL-UNNAMED \
--add-opens=java.base/java.nio=ALL-UNNAMED \
--add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
--add-opens=java.base/java.lang.reflect=ALL-UNNAMED \
--add-opens=java.base/java.text=ALL-UNNAMED \
--add-opens=java.base/java.time=ALL-UNNAMED \
--add-opens=java.base/java.util=ALL-UNNAMED \
--add-opens=java.base/java.util.concurrent=ALL-UNNAMED \
--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED \
--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED"

verb=${1:-}
[ -n "$verb" ] || fail "say what to do: start, add-taskmanager, status or stop"
shift

dir=${SLUICE_CLUSTER_DIR:-$here/target/cluster}
taskmanagers=1
slots=2
rest_port=8081
rpc_port=6123
prometheus_ports=9250-9269
tm_memory=1280m
while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || fail "$1 needs a value"
  case "$1" in
    --dir) dir=$2 ;;
    --taskmanagers) taskmanagers=$2 ;;
    --slots) slots=$2 ;;
    --rest-port) rest_port=$2 ;;
    --rpc-port) rpc_port=$2 ;;
    --prometheus-ports) prometheus_ports=$2 ;;
    --taskmanager-memory) tm_memory=$2 ;;
    *) fail "unknown option $1 (see the top of $0)" ;;
  esac
  shift 2
done
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
env_file=$dir/cluster.env

java=${JAVA_HOME:+$JAVA_HOME/bin/}java
command -v "$java" > /dev/null || fail "no java on the PATH (Flink 2.2 needs Java 11, 17 or 21)"

# Flink's home: a distribution named by FLINK_HOME, or the jars of Maven Central assembled once.
flink_home() {
  if [ -n "${FLINK_HOME:-}" ]; then
    compgen -G "$FLINK_HOME/lib/flink-dist-2.2*.jar" > /dev/null \
      || fail "FLINK_HOME=$FLINK_HOME holds no lib/flink-dist-2.2*.jar; name a Flink 2.2 distribution, or unset FLINK_HOME to use Flink's jars from Maven Central"
    echo "$FLINK_HOME"
    return
  fi
  local home=$here/target/flink
  if ! compgen -G "$home/lib/flink-runtime-2.2*.jar" > /dev/null; then
    echo "cluster.sh: assembling Flink from Maven Central into $home (once)" >&2
    mvn -B -q -f "$root/pom.xml" -pl flink-deploy/standalone package < /dev/null >&2 \
      || fail "could not assemble Flink: mvn -pl flink-deploy/standalone package failed"
  fi
  mkdir -p "$home/bin"
  # The distribution's bin/flink, for submit.sh: the client on lib/, with the cluster's conf.
  cat > "$home/bin/flink" << EOF
#!/usr/bin/env bash
# bin/flink of a Flink home assembled by cluster.sh: CliFrontend on lib/, conf from FLINK_CONF_DIR.
home=\$(cd "\$(dirname "\$0")/.." && pwd)
: "\${FLINK_CONF_DIR:?set FLINK_CONF_DIR to the conf folder of the cluster (cluster.sh writes it)}"
export FLINK_CONF_DIR
export FLINK_PLUGINS_DIR=\${FLINK_PLUGINS_DIR:-\$home/plugins}
exec ${java@Q} -Xmx256m $JAVA_17_OPTS -Dlog4j2.configurationFile="\$FLINK_CONF_DIR/log4j-cli.properties" \\
  -cp "\$home/lib/*" org.apache.flink.client.cli.CliFrontend "\$@"
EOF
  chmod +x "$home/bin/flink"
  echo "$home"
}

port_taken() { (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }

# A process killed with -9 whose parent is gone stays a zombie where PID 1 reaps no children (a
# container): kill -0 still finds it, so look at its state too.
pid_alive() {
  [ -f "$1" ] || return 1
  local pid state
  pid=$(cat "$1")
  kill -0 "$pid" 2> /dev/null || return 1
  state=$(sed 's/.*) //' "/proc/$pid/stat" 2> /dev/null | cut -d' ' -f1)
  [ "$state" != Z ]
}

rest_url() { echo "http://127.0.0.1:$rest_port"; }

write_conf() {
  mkdir -p "$dir/conf" "$dir/log" "$dir/pids" "$dir/tmp" "$dir/web" "$dir/checkpoints" "$dir/savepoints"
  cat > "$dir/conf/config.yaml" << EOF
# Written by flink-deploy/standalone/cluster.sh: a session cluster on 127.0.0.1. The settings of a
# real cluster are in flink-deploy/standalone/config.yaml.
env.java.opts.all: $JAVA_17_OPTS
jobmanager.rpc.address: 127.0.0.1
jobmanager.rpc.port: $rpc_port
jobmanager.bind-host: 127.0.0.1
jobmanager.memory.process.size: 1024m
jobmanager.execution.failover-strategy: region
taskmanager.host: 127.0.0.1
taskmanager.bind-host: 127.0.0.1
taskmanager.numberOfTaskSlots: $slots
taskmanager.memory.process.size: $tm_memory
parallelism.default: 1
rest.address: 127.0.0.1
rest.bind-address: 127.0.0.1
rest.port: $rest_port
io.tmp.dirs: $dir/tmp
web.tmpdir: $dir/web
state.backend.type: hashmap
execution.checkpointing.dir: file://$dir/checkpoints
execution.checkpointing.savepoint-dir: file://$dir/savepoints
execution.checkpointing.num-retained: 3
execution.checkpointing.externalized-checkpoint-retention: RETAIN_ON_CANCELLATION
restart-strategy.type: exponential-delay
restart-strategy.exponential-delay.initial-backoff: 1 s
restart-strategy.exponential-delay.max-backoff: 10 s
# One machine: a TaskManager that is gone is given up on after 15 s, not the default 50 s.
heartbeat.interval: 3000
heartbeat.timeout: 15000
# Prometheus: each process takes the first free port of the range (JobManager first).
metrics.reporter.prom.factory.class: org.apache.flink.metrics.prometheus.PrometheusReporterFactory
metrics.reporter.prom.port: $prometheus_ports
EOF
  cat > "$dir/conf/log4j.properties" << 'EOF'
# Each process logs to its own file (log.file, set by cluster.sh), as the distribution does.
monitorInterval = 30
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
logger.kafka.name = org.apache.kafka
logger.kafka.level = WARN
appender.file.name = file
appender.file.type = File
appender.file.fileName = ${sys:log.file}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
EOF
  cat > "$dir/conf/log4j-cli.properties" << 'EOF'
# The client (bin/flink): warnings to the console, so submit.sh's output stays readable.
rootLogger.level = WARN
rootLogger.appenderRef.console.ref = console
# It reports the YARN and Kubernetes command lines it does not find; those are not used here.
logger.cli.name = org.apache.flink.client.cli.CliFrontend
logger.cli.level = ERROR
appender.console.name = console
appender.console.type = CONSOLE
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss.SSS} %-5level %c{1} - %msg%n
EOF
}

write_env() {
  cat > "$env_file" << EOF
# Written by cluster.sh start; read by cluster.sh and submit.sh.
FLINK_HOME=$home
FLINK_CONF_DIR=$dir/conf
rest_port=$rest_port
rpc_port=$rpc_port
EOF
}

# Starts one process as bin/jobmanager.sh and bin/taskmanager.sh do: BashJavaUtils derives the JVM
# memory flags and the memory settings from config.yaml, then the main class runs with them.
launch() {
  local name=$1 resources=$2 main=$3
  shift 3
  local derived jvm dynamic
  derived=$("$java" -Xmx128m -cp "$home/lib/*" org.apache.flink.runtime.util.bash.BashJavaUtils \
    "$resources" --configDir "$dir/conf" 2>&1) \
    || fail "$name: Flink could not derive its memory settings: $(tail -n 1 <<< "$derived")"
  jvm=$(sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p' <<< "$derived" | sed -n 1p)
  dynamic=$(sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p' <<< "$derived" | sed -n 2p)
  # shellcheck disable=SC2086 # the derived flags and JAVA_17_OPTS are lists of words
  FLINK_CONF_DIR=$dir/conf FLINK_PLUGINS_DIR=$home/plugins FLINK_LIB_DIR=$home/lib \
    nohup "$java" $jvm $JAVA_17_OPTS \
    -Dlog.file="$dir/log/$name.log" -Dlog4j2.configurationFile="$dir/conf/log4j.properties" \
    -cp "$home/lib/*" "$main" --configDir "$dir/conf" $dynamic "$@" \
    > "$dir/log/$name.out" 2>&1 < /dev/null &
  echo $! > "$dir/pids/$name.pid"
}

start_taskmanager() {
  local n=1
  while [ -e "$dir/pids/taskmanager-$n.pid" ]; do n=$((n + 1)); done
  launch "taskmanager-$n" GET_TM_RESOURCE_PARAMS org.apache.flink.runtime.taskexecutor.TaskManagerRunner \
    -D "taskmanager.resource-id=taskmanager-$n"
  echo "taskmanager-$n"
}

overview() { curl -sf --max-time 2 "$(rest_url)/overview" 2> /dev/null; }

field() { sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"; }

# Waits until the JobManager answers and counts `want` TaskManagers, or fails with the logs' tail.
await_taskmanagers() {
  local want=$1 deadline=$((SECONDS + 90)) seen
  while [ $SECONDS -lt $deadline ]; do
    seen=$(overview | field taskmanagers || true)
    [ -n "$seen" ] && [ "$seen" -ge "$want" ] && return 0
    pid_alive "$dir/pids/jobmanager.pid" || fail "the JobManager exited; see $dir/log/jobmanager.log and .out"
    sleep 0.5
  done
  fail "$want TaskManager(s) did not register within 90 s; see the logs in $dir/log"
}

running_taskmanagers() {
  local n=0 f
  for f in "$dir"/pids/taskmanager-*.pid; do
    [ -e "$f" ] && pid_alive "$f" && n=$((n + 1))
  done
  echo "$n"
}

stop_all() {
  local f stopped=()
  for f in "$dir"/pids/*.pid; do
    [ -e "$f" ] || continue
    if pid_alive "$f"; then
      kill "$(cat "$f")" 2> /dev/null || true
      stopped+=("$(basename "$f" .pid) (pid $(cat "$f"))")
    fi
  done
  local deadline=$((SECONDS + 30))
  for f in "$dir"/pids/*.pid; do
    [ -e "$f" ] || continue
    while pid_alive "$f" && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    pid_alive "$f" && kill -9 "$(cat "$f")" 2> /dev/null || true
    rm -f "$f"
  done
  if [ ${#stopped[@]} -eq 0 ]; then
    say "no cluster is running in $dir"
  else
    say "stopped ${stopped[*]}"
  fi
}

case "$verb" in
  start)
    if [ -f "$env_file" ] && pid_alive "$dir/pids/jobmanager.pid"; then
      fail "a cluster already runs in $dir (JobManager pid $(cat "$dir/pids/jobmanager.pid")); stop it first, or give another --dir"
    fi
    [[ "$taskmanagers" =~ ^[1-9][0-9]*$ ]] || fail "--taskmanagers must be 1 or more, not $taskmanagers"
    for p in "rest.port:$rest_port:--rest-port" "jobmanager.rpc.port:$rpc_port:--rpc-port"; do
      IFS=: read -r key port flag <<< "$p"
      port_taken "$port" && fail "port $port ($key) is already taken on 127.0.0.1; choose another with $flag"
    done
    home=$(flink_home)
    rm -rf "$dir/pids"
    write_conf
    write_env
    launch jobmanager GET_JM_RESOURCE_PARAMS org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint
    started=()
    for _ in $(seq "$taskmanagers"); do started+=("$(start_taskmanager)"); done
    await_taskmanagers "$taskmanagers"
    say "JobManager $(rest_url) (pid $(cat "$dir/pids/jobmanager.pid")), ${started[*]}, $slots slot(s) each; Prometheus on ports $prometheus_ports; logs in $dir/log"
    ;;
  add-taskmanager)
    [ -f "$env_file" ] || fail "no cluster in $dir; start one with: $0 start"
    # shellcheck source=/dev/null
    . "$env_file"
    home=$FLINK_HOME
    pid_alive "$dir/pids/jobmanager.pid" || fail "the cluster in $dir is not running; start it with: $0 start"
    want=$(($(running_taskmanagers) + 1))
    name=$(start_taskmanager)
    await_taskmanagers "$want"
    say "$name (pid $(cat "$dir/pids/$name.pid")) joined $(rest_url)"
    ;;
  status)
    [ -f "$env_file" ] || { say "no cluster in $dir"; exit 3; }
    # shellcheck source=/dev/null
    . "$env_file"
    for f in "$dir"/pids/*.pid; do
      [ -e "$f" ] || continue
      if pid_alive "$f"; then state=running; else state=gone; fi
      echo "$(basename "$f" .pid) pid $(cat "$f") $state"
    done
    if o=$(overview); then
      echo "$(rest_url): $(field taskmanagers <<< "$o") TaskManager(s), $(field slots-total <<< "$o") slot(s) ($(field slots-available <<< "$o") free), $(field jobs-running <<< "$o") job(s) running"
    else
      say "no JobManager answers at $(rest_url)"
      exit 3
    fi
    ;;
  stop)
    [ -f "$env_file" ] || { say "no cluster in $dir"; exit 0; }
    stop_all
    ;;
  *)
    fail "unknown verb $verb: start, add-taskmanager, status or stop"
    ;;
esac
