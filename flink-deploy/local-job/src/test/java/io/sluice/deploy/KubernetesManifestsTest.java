package io.sluice.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kubernetes manifests read into fabric8's Kubernetes model, strictly (a field the model does
 * not know, misspelt or misplaced, fails: fabric8 keeps those as additional properties), and
 * checked against each other and the pom: what a cluster would reject, or run with the wrong Flink
 * or image, fails here. The Flink operator's resources are read as trees: the operator API classes
 * that resolve here (1.10.0) know no Flink newer than 1.20.
 */
class KubernetesManifestsTest {
    private static final Path K8S = Path.of("..", "kubernetes");
    private static final ObjectMapper STRICT =
            YAMLMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    private static final String FLINK_VERSION = System.getProperty("sluice.flink.version");
    private static final String PROJECT_VERSION = System.getProperty("sluice.project.version");

    @Test
    void websocketSinkRunsSeveralReplicasBehindAServiceScaledAndBudgeted() throws Exception {
        List<JsonNode> docs = documents("websocket-sink.yaml");
        assertThat(docs)
                .extracting(d -> d.path("kind").asText())
                .containsExactly(
                        "Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget");

        Deployment deployment = strict(docs.get(0), Deployment.class);
        Service service = strict(docs.get(1), Service.class);
        HorizontalPodAutoscaler hpa = strict(docs.get(2), HorizontalPodAutoscaler.class);
        PodDisruptionBudget pdb = strict(docs.get(3), PodDisruptionBudget.class);

        assertThat(deployment.getApiVersion()).isEqualTo("apps/v1");
        var labels = deployment.getSpec().getSelector().getMatchLabels();
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(labels);
        assertThat(service.getSpec().getSelector()).isEqualTo(labels);
        assertThat(pdb.getSpec().getSelector().getMatchLabels()).isEqualTo(labels);

        int replicas = deployment.getSpec().getReplicas();
        assertThat(replicas).isGreaterThanOrEqualTo(2);
        assertThat(hpa.getSpec().getScaleTargetRef().getName())
                .isEqualTo(deployment.getMetadata().getName());
        assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
        assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(replicas);
        assertThat(hpa.getSpec().getMaxReplicas()).isGreaterThan(replicas);
        assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isBetween(1, replicas - 1);

        Container sink = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(sink.getImage()).endsWith(":" + release());
        int port = sink.getPorts().get(0).getContainerPort();
        assertThat(port)
                .isEqualTo(Integer.parseInt(sluiceProperties().getProperty("websocket.port")));
        assertThat(service.getSpec().getPorts().get(0).getTargetPort().getStrVal())
                .isEqualTo(sink.getPorts().get(0).getName());
        assertThat(sink.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health");
        // Longer than the close grace for stalled clients (websocket.close.grace.ms, 30 s).
        assertThat(deployment.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
                .isGreaterThan(30L);
        assertThat(secretRefs(sink.getEnv()))
                .containsExactlyInAnyOrder("sluice-db/user", "sluice-db/password");
    }

    @Test
    void configMapAndSecretHoldWhatTheOthersReference() throws Exception {
        List<JsonNode> docs = documents("sluice-config.yaml");
        ConfigMap config = strict(docs.get(0), ConfigMap.class);
        Secret secret = strict(docs.get(1), Secret.class);
        assertThat(config.getMetadata().getName()).isEqualTo("sluice-config");
        assertThat(secret.getMetadata().getName()).isEqualTo("sluice-db");
        assertThat(secret.getStringData()).containsOnlyKeys("user", "password");

        Properties properties = sluiceProperties();
        assertThat(properties.getProperty("redis.url"))
                .isEqualTo(config.getData().get("redis.url"));
        // Every key given is a key Sluice knows.
        Properties defaults = new Properties();
        defaults.load(Files.newBufferedReader(Path.of("..", "..", "conf", "sluice.properties")));
        assertThat(properties.stringPropertyNames()).isSubsetOf(defaults.stringPropertyNames());
    }

    @Test
    void flinkResourcesNameFlink22AndTheJobWithSavepointUpgrades() throws Exception {
        String flinkVersion = "v" + FLINK_VERSION.replaceAll("^(\\d+)\\.(\\d+).*", "$1_$2");
        assertThat(flinkVersion).isEqualTo("v2_2");
        assertThat(Files.readString(K8S.resolve("Dockerfile")))
                .contains("FROM flink:" + FLINK_VERSION + "-java17");

        JsonNode application = documents("flink-deployment.yaml").get(0);
        assertThat(application.path("kind").asText()).isEqualTo("FlinkDeployment");
        assertThat(application.at("/spec/flinkVersion").asText()).isEqualTo(flinkVersion);
        assertThat(application.at("/spec/image").asText()).endsWith(":" + release());
        assertThat(application.at("/spec/job/upgradeMode").asText()).isEqualTo("savepoint");

        List<JsonNode> session = documents("flink-session-job.yaml");
        assertThat(session)
                .extracting(d -> d.path("kind").asText())
                .containsExactly("FlinkDeployment", "FlinkSessionJob");
        JsonNode cluster = session.get(0);
        JsonNode job = session.get(1);
        assertThat(cluster.at("/spec/flinkVersion").asText()).isEqualTo(flinkVersion);
        assertThat(cluster.at("/spec/image").asText())
                .isEqualTo("flink:" + FLINK_VERSION + "-java17");
        assertThat(cluster.at("/spec/job").isMissingNode())
                .as("a session runs no job of its own")
                .isTrue();
        assertThat(job.at("/spec/deploymentName").asText())
                .isEqualTo(cluster.at("/metadata/name").asText());
        assertThat(job.at("/spec/job/jarURI").asText())
                .endsWith("sluice-job-" + release() + "-shaded.jar");
        assertThat(job.at("/spec/job/entryClass").asText()).isEqualTo("io.sluice.job.SluiceJob");
        assertThat(job.at("/spec/job/upgradeMode").asText()).isEqualTo("savepoint");

        for (JsonNode flink : List.of(application, cluster)) {
            JsonNode conf = flink.at("/spec/flinkConfiguration");
            assertThat(conf.path("execution.checkpointing.savepoint-dir").asText())
                    .startsWith("file:///flink-data/");
            // The CRD takes strings only.
            conf.fields()
                    .forEachRemaining(
                            e -> assertThat(e.getValue().isTextual()).as(e.getKey()).isTrue());
            List<Container> containers = new ArrayList<>();
            for (JsonNode c : flink.at("/spec/podTemplate/spec/containers")) {
                containers.add(strict(c, Container.class));
            }
            assertThat(containers)
                    .extracting(Container::getName)
                    .containsExactly("flink-main-container");
            assertThat(secretRefs(containers.get(0).getEnv()))
                    .containsExactlyInAnyOrder("sluice-db/user", "sluice-db/password");
        }
    }

    /** The pom's version without -SNAPSHOT: the tag images and jars are released under. */
    private static String release() {
        return PROJECT_VERSION.replace("-SNAPSHOT", "");
    }

    private static Set<String> secretRefs(List<EnvVar> env) {
        return env.stream()
                .filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
                .map(
                        e ->
                                e.getValueFrom().getSecretKeyRef().getName()
                                        + "/"
                                        + e.getValueFrom().getSecretKeyRef().getKey())
                .collect(Collectors.toSet());
    }

    private static Properties sluiceProperties() throws Exception {
        ConfigMap config = strict(documents("sluice-config.yaml").get(0), ConfigMap.class);
        Properties properties = new Properties();
        properties.load(new StringReader(config.getData().get("sluice.properties")));
        return properties;
    }

    private static <T> T strict(JsonNode doc, Class<T> type) throws Exception {
        T value = STRICT.treeToValue(doc, type);
        List<String> unknown = new ArrayList<>();
        unknownFields(value, type.getSimpleName(), unknown);
        assertThat(unknown).as("fields the Kubernetes model does not know").isEmpty();
        return value;
    }

    /**
     * Collects the additional properties of the model objects under {@code o}, with their paths.
     */
    private static void unknownFields(Object o, String path, List<String> out) throws Exception {
        if (o instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                unknownFields(list.get(i), path + "[" + i + "]", out);
            }
            return;
        }
        if (o instanceof java.util.Map<?, ?> map) {
            for (var e : map.entrySet()) {
                unknownFields(e.getValue(), path + "." + e.getKey(), out);
            }
            return;
        }
        if (o == null || !o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (var m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0
                    || !m.getName().startsWith("get")
                    || m.getName().equals("getClass")) {
                continue;
            }
            Object v = m.invoke(o);
            if (m.getName().equals("getAdditionalProperties")) {
                ((java.util.Map<?, ?>) v).keySet().forEach(k -> out.add(path + "." + k));
            } else {
                unknownFields(v, path + "." + m.getName().substring(3), out);
            }
        }
    }

    private static List<JsonNode> documents(String file) throws Exception {
        List<JsonNode> docs = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(K8S.resolve(file).toFile())) {
            var it = JsonMapper.builder().build().readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                docs.add(it.next());
            }
        }
        return docs;
    }
}
