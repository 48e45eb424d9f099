package io.sluice.deploy;

import org.apache.flink.api.dag.Pipeline;
import org.apache.flink.client.deployment.executors.PipelineExecutorUtils;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.PipelineExecutor;
import org.apache.flink.core.execution.PipelineExecutorFactory;
import org.apache.flink.core.execution.PipelineExecutorServiceLoader;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterJobClient;
import org.apache.flink.streaming.api.graph.StreamGraph;

import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * Runs a {@code StreamExecutionEnvironment}'s pipeline on one MiniCluster that the caller owns.
 *
 * <p>{@code createLocalEnvironmentWithWebUI} starts a MiniCluster per job and hides it, so its REST
 * port (chosen freely with port 0) cannot be read back, and it cannot be stopped on its own. With
 * this loader the environment submits to a cluster LocalJob started, knows the address of and
 * closes. (flink-test-utils' MiniClusterPipelineExecutorServiceLoader does the same for tests.)
 */
final class MiniClusterExecutorLoader implements PipelineExecutorServiceLoader {
    /** The execution.target of an environment that uses this loader. */
    static final String NAME = "sluice-local-minicluster";

    private final MiniCluster cluster;

    MiniClusterExecutorLoader(MiniCluster cluster) {
        this.cluster = requireNonNull(cluster, "cluster");
    }

    @Override
    public PipelineExecutorFactory getExecutorFactory(Configuration configuration) {
        return new PipelineExecutorFactory() {
            @Override
            public String getName() {
                return NAME;
            }

            @Override
            public boolean isCompatibleWith(Configuration ignored) {
                return true;
            }

            @Override
            public PipelineExecutor getExecutor(Configuration ignored) {
                return MiniClusterExecutorLoader.this::execute;
            }
        };
    }

    @Override
    public Stream<String> getExecutorNames() {
        return Stream.of(NAME);
    }

    private CompletableFuture<JobClient> execute(
            Pipeline pipeline, Configuration configuration, ClassLoader userClassLoader)
            throws Exception {
        StreamGraph graph = PipelineExecutorUtils.getStreamGraph(pipeline, configuration);
        return cluster.submitJob(graph)
                .thenApply(
                        submitted ->
                                new MiniClusterJobClient(
                                        submitted.getJobID(),
                                        cluster,
                                        userClassLoader,
                                        // LocalJob stops the cluster itself, after the job.
                                        MiniClusterJobClient.JobFinalizationBehavior.NOTHING));
    }
}
