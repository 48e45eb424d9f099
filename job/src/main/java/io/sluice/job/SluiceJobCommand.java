package io.sluice.job;

import io.sluice.config.ConfigCommandLine;
import io.sluice.config.ConfigException;
import io.sluice.config.SluiceConfig;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * The job's command line, what {@code flink run sluice-job.jar ARGS} hands to {@link
 * SluiceJob#main}: any key of conf/sluice.properties as {@code --key value} or {@code --key=value}
 * (flink run users' form), over the environment and the file.
 */
@Command(
        name = "sluice-job",
        mixinStandardHelpOptions = true,
        version = "sluice-job 0.1",
        description =
                "Runs the Sluice job: readings from Kafka, per-tag windows, into PostgreSQL and Redis.")
final class SluiceJobCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    private final SluiceConfig defaults;
    private final PrintWriter err;

    SluiceJobCommand(SluiceConfig defaults, PrintWriter err) {
        this.defaults = defaults;
        this.err = err;
    }

    /** Runs the command line; returns the exit code: 0 done, 1 failed, 2 bad usage. */
    static int execute(String[] args, PrintWriter out, PrintWriter err) {
        return ConfigCommandLine.execute(
                "sluice-job", config -> new SluiceJobCommand(config, err), args, out, err);
    }

    @Override
    public Integer call() throws Exception {
        SluiceConfig config = ConfigCommandLine.withFlags(defaults, spec);
        try {
            SluiceJob job = SluiceJob.fromConfig(config);
            job.execute(
                    StreamExecutionEnvironment.getExecutionEnvironment(
                            SluiceJob.flinkConfiguration(job.settings())));
            return 0;
        } catch (ConfigException e) {
            throw e; // one line, exit code 2
        } catch (Exception e) {
            // A failed submission or job: the whole trace, as flink run printed it before.
            err.println("sluice-job: the job failed");
            e.printStackTrace(err);
            err.flush();
            return 1;
        }
    }
}
