package io.sluice.job.sinks.redis;

/** Builds a {@link RedisSink}: {@code RedisSink.builder().withOptions(options).build()}. */
public final class RedisSinkBuilder {
    private RedisSinkOptions options;

    RedisSinkBuilder() {}

    /** The sink's settings; required. */
    public RedisSinkBuilder withOptions(RedisSinkOptions options) {
        this.options = options;
        return this;
    }

    /**
     * A best-effort sink: no delivery guarantee, by design (the live view conflates while Redis is
     * down; PostgreSQL keeps the history).
     */
    public RedisSink build() {
        if (options == null) {
            throw new IllegalStateException(
                    "RedisSink needs its options: withOptions(RedisSinkOptions.fromConfig(config))");
        }
        return new RedisSink(options);
    }
}
