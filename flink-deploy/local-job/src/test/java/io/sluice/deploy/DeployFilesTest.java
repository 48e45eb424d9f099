package io.sluice.deploy;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.HighAvailabilityOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.util.EnvironmentInformation;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The files of flink-deploy/standalone and flink-deploy/kubernetes, which no cluster here can run:
 * they parse, name the options Flink 2.2 knows (under their current keys), and agree with each
 * other and with the job's jar.
 */
class DeployFilesTest {
    private static final Path DEPLOY = Path.of("..").toAbsolutePath().normalize();
    private static final String JAR_IN_IMAGE = "/opt/flink/usrlib/sluice-job.jar";

    @Test
    void standaloneConfigYamlReadsWithFlinksOwnParser() {
        Configuration conf =
                GlobalConfiguration.loadConfiguration(DEPLOY.resolve("standalone").toString());

        assertThat(conf.get(RestOptions.PORT)).isEqualTo(8081);
        assertThat(conf.get(RestOptions.ADDRESS)).isEqualTo(conf.get(JobManagerOptions.ADDRESS));
        assertThat(conf.get(CoreOptions.DEFAULT_PARALLELISM)).isEqualTo(2);
        assertThat(conf.get(TaskManagerOptions.NUM_TASK_SLOTS)).isEqualTo(2);
        assertThat(conf.get(TaskManagerOptions.TOTAL_PROCESS_MEMORY))
                .isEqualTo(MemorySize.parse("4096m"));
        assertThat(conf.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("hashmap");
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
                .isEqualTo("file:///shared/flink/checkpoints");
        assertThat(conf.get(CheckpointingOptions.SAVEPOINT_DIRECTORY))
                .isEqualTo("file:///shared/flink/savepoints");
        assertThat(conf.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION))
                .isEqualTo(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY))
                .isEqualTo("exponential-delay");
        assertThat(conf.toMap())
                .containsEntry(
                        "metrics.reporter.prom.factory.class",
                        "org.apache.flink.metrics.prometheus.PrometheusReporterFactory")
                .containsEntry("metrics.reporter.prom.port", "9250-9269");
    }

    @Test
    void flinkDeploymentIsAnApplicationWithTheJarTheAddressesAndSavepointUpgrades()
            throws Exception {
        Map<String, Object> deployment = yaml("kubernetes/flink-deployment.yaml");

        assertThat(deployment)
                .containsEntry("apiVersion", "flink.apache.org/v1beta1")
                .containsEntry("kind", "FlinkDeployment");
        Map<String, Object> spec = map(deployment.get("spec"));
        assertThat(spec).containsEntry("flinkVersion", "v2_2").containsKey("image");
        Map<String, Object> job = map(spec.get("job"));
        assertThat(job)
                .containsEntry("jarURI", "local://" + JAR_IN_IMAGE)
                .containsEntry("entryClass", "io.sluice.job.SluiceJob")
                .containsEntry("upgradeMode", "savepoint")
                .containsEntry("state", "running");
        assertThat(list(job.get("args")))
                .containsSubsequence("--kafka.bootstrap.servers", "--jdbc.url", "--redis.url")
                .doesNotContain("--jdbc.password");

        // A CRD's flinkConfiguration is a map of strings: an unquoted number would be rejected.
        Map<String, Object> flinkConf = map(spec.get("flinkConfiguration"));
        assertThat(flinkConf.values()).allMatch(String.class::isInstance);
        Configuration conf = Configuration.fromMap(strings(flinkConf));
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
                .startsWith("file:///flink-data/");
        assertThat(conf.get(CheckpointingOptions.SAVEPOINT_DIRECTORY))
                .startsWith("file:///flink-data/");
        assertThat(conf.get(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS)).isEqualTo(3);
        assertThat(conf.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION))
                .isEqualTo(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        assertThat(conf.get(HighAvailabilityOptions.HA_MODE)).isEqualTo("kubernetes");
        assertThat(conf.get(TaskManagerOptions.NUM_TASK_SLOTS)).isEqualTo(2);
        // Current keys only (Flink 2 still reads the old state.checkpoints.dir, but warns).
        assertThat(flinkConf.keySet())
                .allSatisfy(key -> assertThat(key).doesNotStartWith("state.checkpoints"));

        // The checkpoint folder is the volume's mount, and the volume is the claim of
        // checkpoints-pvc.yaml.
        Map<String, Object> pod = map(map(spec.get("podTemplate")).get("spec"));
        Map<String, Object> container = map(list(pod.get("containers")).get(0));
        assertThat(container).containsEntry("name", "flink-main-container");
        assertThat(map(list(container.get("volumeMounts")).get(0)))
                .containsEntry("mountPath", "/flink-data");
        String claim =
                (String)
                        map(map(list(pod.get("volumes")).get(0)).get("persistentVolumeClaim"))
                                .get("claimName");
        Map<String, Object> pvc = yaml("kubernetes/checkpoints-pvc.yaml");
        assertThat(map(pvc.get("metadata"))).containsEntry("name", claim);
        assertThat(list(map(pvc.get("spec")).get("accessModes"))).containsExactly("ReadWriteMany");
        assertThat(list(container.get("env")))
                .extracting(e -> map(e).get("name"))
                .containsExactly("SLUICE_JDBC_USER", "SLUICE_JDBC_PASSWORD");
    }

    @Test
    void podTemplateOfTheNativeModeMatchesTheOperatorsPodTemplate() throws Exception {
        Map<String, Object> template = yaml("kubernetes/pod-template.yaml");
        Map<String, Object> operatorPod =
                map(
                        map(map(yaml("kubernetes/flink-deployment.yaml").get("spec"))
                                        .get("podTemplate"))
                                .get("spec"));

        assertThat(template).containsEntry("kind", "Pod");
        assertThat(map(template.get("spec"))).isEqualTo(operatorPod);
    }

    @Test
    void dockerfileBuildsOnThisFlinkVersionAndPutsTheJarWhereTheManifestsLook() throws Exception {
        String dockerfile = Files.readString(DEPLOY.resolve("kubernetes/Dockerfile"));

        assertThat(dockerfile)
                .contains("FROM flink:" + EnvironmentInformation.getVersion() + "-java17");
        Matcher copy =
                Pattern.compile("(?m)^COPY .*job/target/sluice-job-\\*-shaded\\.jar (\\S+)$")
                        .matcher(dockerfile);
        assertThat(copy.find()).as(dockerfile).isTrue();
        assertThat(copy.group(1)).isEqualTo(JAR_IN_IMAGE);
        assertThat(Files.readString(DEPLOY.resolve("kubernetes/native-application.sh")))
                .contains("local://" + JAR_IN_IMAGE);
    }

    @Test
    void scriptsAreValidBashAndSubmitShSaysWhatIsMissing() throws Exception {
        for (String script :
                List.of(
                        "standalone/submit.sh",
                        "standalone/cluster.sh",
                        "kubernetes/native-application.sh")) {
            Process check =
                    new ProcessBuilder("bash", "-n", DEPLOY.resolve(script).toString())
                            .redirectErrorStream(true)
                            .start();
            assertThat(check.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(check.exitValue())
                    .as(new String(check.getInputStream().readAllBytes()))
                    .isZero();
        }

        ProcessBuilder submit =
                new ProcessBuilder("bash", DEPLOY.resolve("standalone/submit.sh").toString());
        submit.environment().remove("FLINK_HOME");
        submit.environment().put("SLUICE_CLUSTER_DIR", "/nonexistent/sluice-cluster");
        Process p = submit.start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(new String(p.getErrorStream().readAllBytes()))
                .isEqualTo(
                        "submit.sh: set FLINK_HOME to a Flink 2.2 distribution, or start a cluster"
                                + " with flink-deploy/standalone/cluster.sh start\n");
    }

    @Test
    void systemdUnitsVerifyCleanAndWebsocketSinkReadsItsJvmOptionsFile() throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        Assumptions.assumeTrue(Files.isExecutable(analyze), "systemd-analyze is not installed");
        for (String unit : List.of("sluice-websocket-sink.service", "sluice-simulator.service")) {
            Process verify =
                    new ProcessBuilder(
                                    analyze.toString(),
                                    "verify",
                                    "--man=no",
                                    DEPLOY.resolve("systemd").resolve(unit).toString())
                            .redirectErrorStream(true)
                            .start();
            assertThat(verify.waitFor(30, TimeUnit.SECONDS)).isTrue();
            // verify exits 0 on an unknown key too; its warnings are the finding.
            assertThat(new String(verify.getInputStream().readAllBytes())).as(unit).isEmpty();
            assertThat(verify.exitValue()).as(unit).isZero();
        }
        assertThat(Files.readString(DEPLOY.resolve("systemd/sluice-websocket-sink.service")))
                .contains("ExecStart=/usr/bin/java @/opt/sluice/jvm.options -jar");
    }

    private static Map<String, Object> yaml(String file) throws Exception {
        Load load = new Load(LoadSettings.builder().setLabel(file).build());
        return map(load.loadFromString(Files.readString(DEPLOY.resolve(file))));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        assertThat(o).isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        assertThat(o).isInstanceOf(List.class);
        return (List<Object>) o;
    }

    private static Map<String, String> strings(Map<String, Object> m) {
        return m.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> String.valueOf(e.getValue())));
    }
}
