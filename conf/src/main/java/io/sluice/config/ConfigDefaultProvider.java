package io.sluice.config;

import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Gives a picocli command its defaults from {@link SluiceConfig}, so that a named flag overrides
 * the environment and the file, which override the defaults.
 *
 * <p>An option names its configuration key in {@code descriptionKey}: {@code @Option(names =
 * "--rate", descriptionKey = "simulator.rate")}. Other options keep picocli's own default.
 */
public final class ConfigDefaultProvider implements IDefaultValueProvider {
    private final SluiceConfig config;

    public ConfigDefaultProvider(SluiceConfig config) {
        this.config = config;
    }

    @Override
    public String defaultValue(ArgSpec argSpec) {
        if (argSpec instanceof OptionSpec) {
            String key = ((OptionSpec) argSpec).descriptionKey();
            // picocli gives its own options descriptionKeys too (mixinStandardHelpOptions.help):
            // skip them.
            if (key != null && config.has(key)) {
                String value = config.get(key);
                return value.isEmpty() ? null : value;
            }
        }
        return null;
    }
}
