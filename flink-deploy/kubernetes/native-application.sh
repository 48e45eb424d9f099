#!/usr/bin/env bash
# The Sluice job on Kubernetes without the operator: Flink's native application mode. The client
# (a Flink 2.2.1 distribution and a kubeconfig) creates the JobManager deployment, which runs the
# job's main() and asks Kubernetes for TaskManager pods. Same image, secret and volume as
# flink-deployment.yaml (Dockerfile, checkpoints-pvc.yaml, pod-template.yaml).
#
#   FLINK_HOME=/opt/flink-2.2.1 IMAGE=registry.example.com/sluice/sluice-job:0.1.0 \
#   KAFKA_BOOTSTRAP_SERVERS=kafka.sluice.svc:9092 JDBC_URL=jdbc:postgresql://postgres.sluice.svc:5432/sluice \
#   REDIS_URL=redis://redis.sluice.svc:6379 flink-deploy/kubernetes/native-application.sh [--key value]...
#
# Optional: NAMESPACE (sluice), CLUSTER_ID (sluice-job), SAVEPOINT (start from it: -s).
# Stop with a savepoint:  $FLINK_HOME/bin/flink stop --target kubernetes-application \
#   -Dkubernetes.cluster-id=sluice-job -Dkubernetes.namespace=sluice <job id>
# (The job id is in the web UI: kubectl -n sluice port-forward svc/sluice-job-rest 8081.)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
fail() { echo "native-application.sh: $*" >&2; exit 1; }

[ -n "${FLINK_HOME:-}" ] || fail "set FLINK_HOME to the unpacked Flink 2.2.1 distribution"
for var in IMAGE KAFKA_BOOTSTRAP_SERVERS JDBC_URL REDIS_URL; do
  [ -n "${!var:-}" ] || fail "set $var"
done
namespace=${NAMESPACE:-sluice}
cluster_id=${CLUSTER_ID:-sluice-job}
restore=()
if [ -n "${SAVEPOINT:-}" ]; then
  restore=(-s "$SAVEPOINT")
fi

exec "$FLINK_HOME/bin/flink" run --target kubernetes-application ${restore[@]+"${restore[@]}"} \
  -Dkubernetes.cluster-id="$cluster_id" \
  -Dkubernetes.namespace="$namespace" \
  -Dkubernetes.container.image.ref="$IMAGE" \
  -Dkubernetes.service-account=flink \
  -Dkubernetes.pod-template-file.default="$here/pod-template.yaml" \
  -Dkubernetes.rest-service.exposed.type=ClusterIP \
  -Dtaskmanager.numberOfTaskSlots=2 \
  -Dparallelism.default=2 \
  -Dexecution.checkpointing.dir=file:///flink-data/checkpoints \
  -Dexecution.checkpointing.savepoint-dir=file:///flink-data/savepoints \
  -Dexecution.checkpointing.externalized-checkpoint-retention=RETAIN_ON_CANCELLATION \
  -Dhigh-availability.type=kubernetes \
  -Dhigh-availability.storageDir=file:///flink-data/ha \
  local:///opt/flink/usrlib/sluice-job.jar \
  --kafka.bootstrap.servers "$KAFKA_BOOTSTRAP_SERVERS" \
  --jdbc.url "$JDBC_URL" \
  --redis.url "$REDIS_URL" \
  "$@"
