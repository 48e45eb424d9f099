package io.sluice.deploy;

import io.sluice.config.ConfigCommandLine;
import io.sluice.config.SluiceConfig;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@link LocalJob}'s command line: any key of conf/sluice.properties as a flag. */
@Command(
        name = "local-job",
        mixinStandardHelpOptions = true,
        version = "sluice-local-job 0.1",
        description =
                "The Sluice job on a local MiniCluster with Flink's web UI, against the embedded"
                        + " Kafka, PostgreSQL and Redis (or real ones, where configured).")
final class LocalJobCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    private final SluiceConfig defaults;

    LocalJobCommand(SluiceConfig defaults) {
        this.defaults = defaults;
    }

    @Override
    public Integer call() {
        SluiceConfig config = ConfigCommandLine.withFlags(defaults, spec);
        // Bad values are a wrong command line (exit code 2), before anything starts.
        LocalJob.restPort(config);
        LocalJob.taskSlots(config);
        return LocalJob.run(config, System.out, System.err);
    }
}
