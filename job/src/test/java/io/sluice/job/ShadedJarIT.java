package io.sluice.job;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The jar for {@code flink run}, as {@code package} built it: the job, its connectors and drivers,
 * merged service files, and nothing the cluster already has.
 *
 * <p>Its path comes from failsafe's configuration (system property {@value #JAR_PROPERTY}).
 */
class ShadedJarIT {
    static final String JAR_PROPERTY = "sluice.job.jar";

    private static JarFile jar;

    @BeforeAll
    static void open() throws IOException {
        String path = System.getProperty(JAR_PROPERTY);
        assertThat(path)
                .as("system property " + JAR_PROPERTY + " (set in job/pom.xml)")
                .isNotBlank();
        assertThat(Path.of(path)).as("the shaded jar; run `mvn package` first").isRegularFile();
        jar = new JarFile(path);
    }

    @AfterAll
    static void close() throws IOException {
        jar.close();
    }

    @Test
    void manifestNamesTheJobAsMainClass() throws IOException {
        assertThat(jar.getManifest().getMainAttributes().getValue(Attributes.Name.MAIN_CLASS))
                .isEqualTo("io.sluice.job.SluiceJob");
        assertThat(jar.getEntry("io/sluice/job/SluiceJob.class")).isNotNull();
    }

    @Test
    void carriesTheConnectorsDriversAndConfiguration() {
        assertThat(
                        List.of(
                                "org/apache/flink/connector/kafka/source/KafkaSource.class",
                                "org/apache/flink/connector/kafka/sink/KafkaSink.class",
                                "org/apache/kafka/clients/consumer/KafkaConsumer.class",
                                "org/apache/flink/connector/base/sink/writer/BufferedRequestState.class",
                                "org/apache/flink/connector/jdbc/core/datastream/sink/JdbcSink.class",
                                "org/apache/flink/connector/jdbc/postgres/database/PostgresFactory.class",
                                "org/postgresql/Driver.class",
                                "redis/clients/jedis/Jedis.class",
                                "io/sluice/config/SluiceConfig.class",
                                "picocli/CommandLine.class",
                                "io/sluice/reading/ReadingCodec.class",
                                "com/fasterxml/jackson/core/JsonFactory.class",
                                "sluice/sluice.properties",
                                "sluice/sql/schema.sql",
                                "sluice/samples/readings/README.md"))
                .allSatisfy(name -> assertThat(jar.getEntry(name)).as(name).isNotNull());
    }

    @Test
    void leavesOutFlinkLoggingAndWhatTheClusterProvides() {
        // Flink itself (flink-streaming-java, flink-core, flink-runtime, flink-clients) and its
        // shaded
        // libraries; the logging the cluster binds; libraries Flink's own classes already use. (Not
        // all
        // of org/apache/flink/streaming/: the Kafka connector has its table factories under
        // streaming/connectors/kafka/.)
        List<String> absent =
                List.of(
                        "org/apache/flink/streaming/api/",
                        "org/apache/flink/streaming/runtime/",
                        "org/apache/flink/api/common/",
                        "org/apache/flink/runtime/",
                        "org/apache/flink/client/",
                        "org/apache/flink/shaded/",
                        "org/slf4j/",
                        "org/apache/logging/log4j/",
                        "org/apache/log4j/",
                        "org/apache/commons/lang3/",
                        "org/xerial/snappy/",
                        "net/jpountz/",
                        "com/fasterxml/jackson/databind/",
                        "com/fasterxml/jackson/annotation/",
                        "log4j2.xml",
                        "log4j2-test.properties");
        assertThat(jar.stream().map(ZipEntry::getName))
                .noneMatch(name -> absent.stream().anyMatch(name::startsWith));
    }

    @Test
    void mergesTheServiceFilesOfEveryConnector() throws IOException {
        // Both connectors register table factories: a jar that kept only the first file would lose
        // one.
        assertThat(services("org.apache.flink.table.factories.Factory"))
                .contains(
                        "org.apache.flink.streaming.connectors.kafka.table.KafkaDynamicTableFactory",
                        "org.apache.flink.connector.jdbc.core.table.JdbcDynamicTableFactory");
        assertThat(services("org.apache.flink.connector.jdbc.core.database.JdbcFactory"))
                .contains("org.apache.flink.connector.jdbc.postgres.database.PostgresFactory");
        assertThat(services("java.sql.Driver")).contains("org.postgresql.Driver");
    }

    @Test
    void hasNoSignatureFilesOrModuleDescriptors() {
        assertThat(jar.stream().map(ZipEntry::getName))
                .noneMatch(name -> name.matches("META-INF/[^/]+\\.(SF|DSA|RSA|EC)"))
                .noneMatch(name -> name.endsWith("module-info.class"));
    }

    @Test
    void staysLean() throws IOException {
        // About 15 MB, two thirds of it kafka-clients; Flink or Jackson's databind coming back
        // would show here.
        assertThat(Files.size(Path.of(jar.getName()))).isLessThan(25L * 1024 * 1024);
    }

    private static List<String> services(String service) throws IOException {
        ZipEntry entry = jar.getEntry("META-INF/services/" + service);
        assertThat(entry).as("META-INF/services/" + service).isNotNull();
        try (InputStream in = jar.getInputStream(entry)) {
            return Arrays.stream(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"))
                    .map(String::trim)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .toList();
        }
    }
}
