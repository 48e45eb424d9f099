package io.sluice.config;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs a picocli command whose flags stand for configuration keys, the one way every Sluice program
 * reads its command line: {@code --conf FILE} is read first, each flag's default comes from the
 * configuration ({@link ConfigDefaultProvider}), and bad usage or configuration is one line on
 * stderr with exit code 2 (1 for a failed run).
 *
 * <p>Besides the command's own flags, every key of conf/sluice.properties is a flag of its own
 * name, {@code --kafka.bootstrap.servers host:9092} or {@code --kafka.bootstrap.servers=host:9092}
 * (hidden from --help, which says so in its footer): the form {@code flink run} users pass to the
 * job. A flag given twice takes its last value, as the loader does.
 */
public final class ConfigCommandLine {
    /** The last line of every program's --help. */
    static final String KEY_FLAGS_FOOTER =
            "Any key of conf/sluice.properties is a flag too: --KEY VALUE or --KEY=VALUE"
                    + " (--job.parallelism 2, --kafka.bootstrap.servers=host:9092), or SLUICE_KEY in"
                    + " the environment.";

    private ConfigCommandLine() {}

    /**
     * Runs the command made by {@code command} from the loaded configuration; returns the exit
     * code.
     *
     * @param name the program's name, in front of its error lines
     */
    public static int execute(
            String name,
            Function<SluiceConfig, Object> command,
            String[] args,
            PrintWriter out,
            PrintWriter err) {
        SluiceConfig config;
        try {
            config = SluiceConfig.load(System.getenv(), confFlag(args));
        } catch (ConfigException e) {
            err.println(name + ": " + e.getMessage());
            return 2;
        }
        CommandLine cli = new CommandLine(command.apply(config));
        addKeyFlags(cli.getCommandSpec(), config);
        cli.setDefaultValueProvider(new ConfigDefaultProvider(config));
        cli.setOverwrittenOptionsAllowed(true);
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler(
                (e, a) -> {
                    err.println(name + ": " + e.getMessage() + " (see --help)");
                    return 2;
                });
        cli.setExecutionExceptionHandler(
                (e, c, r) -> {
                    err.println(name + ": " + e.getMessage());
                    return e instanceof ConfigException ? 2 : 1;
                });
        return cli.execute(args);
    }

    /**
     * {@link #execute} for a program's {@code main}, on standard output and error, with the
     * program's own log4j2 configuration (a resource; null for none) unless the user names one;
     * returns the exit code.
     */
    public static int main(
            String name, String logConfig, Function<SluiceConfig, Object> command, String[] args) {
        // Before the first logger exists: the program's quiet default.
        if (logConfig != null
                && System.getProperty("log4j2.configurationFile") == null
                && System.getProperty("log4j.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", logConfig);
        }
        return execute(
                name,
                command,
                args,
                new PrintWriter(System.out, true),
                new PrintWriter(System.err, true));
    }

    /** The configuration with the flags given on the command line set, each named as its source. */
    public static SluiceConfig withFlags(SluiceConfig config, CommandSpec spec) {
        SluiceConfig result = config;
        for (OptionSpec option : spec.commandLine().getParseResult().matchedOptions()) {
            if (result.has(option.descriptionKey())) {
                result =
                        result.with(
                                option.descriptionKey(),
                                option.getValue(),
                                "flag " + option.longestName());
            }
        }
        return result;
    }

    /**
     * Adds {@code --conf FILE}, and a hidden {@code --KEY} flag for each configuration key the
     * command has no flag of that name for; {@link #withFlags} reads it as it reads the command's
     * own.
     */
    static void addKeyFlags(CommandSpec spec, SluiceConfig config) {
        List<String> footer = new ArrayList<>(List.of(spec.usageMessage().footer()));
        footer.add(KEY_FLAGS_FOOTER);
        spec.usageMessage().footer(footer.toArray(new String[0]));
        if (spec.findOption(SluiceConfig.CONF_FILE_FLAG) == null) {
            // Read by confFlag before parsing; declared so that picocli accepts and lists it.
            spec.addOption(
                    OptionSpec.builder(SluiceConfig.CONF_FILE_FLAG)
                            .paramLabel("FILE")
                            .type(String.class)
                            .description("A properties file of your own, over the defaults.")
                            .build());
        }
        for (String key : config.asMap().keySet()) {
            String name = "--" + key;
            if (spec.findOption(name) == null) {
                spec.addOption(
                        OptionSpec.builder(name)
                                .descriptionKey(key)
                                .paramLabel("VALUE")
                                .type(String.class)
                                .hidden(true)
                                .build());
            }
        }
    }

    /** The --conf flag, which must be known before the command line is parsed. */
    private static Map<String, String> confFlag(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--conf=")) {
                return Map.of("conf", args[i].substring("--conf=".length()));
            }
            if (args[i].equals("--conf") && i + 1 < args.length) {
                return Map.of("conf", args[i + 1]);
            }
        }
        return Map.of();
    }
}
