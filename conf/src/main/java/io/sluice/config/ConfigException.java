package io.sluice.config;

/**
 * A configuration value that is missing, unknown or malformed.
 *
 * <p>The message is one sentence that names the key and where its value came from, so that a
 * command line can print it as it is.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
