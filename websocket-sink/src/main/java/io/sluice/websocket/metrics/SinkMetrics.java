package io.sluice.websocket.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.function.Supplier;

/**
 * The service's metrics, in Prometheus text format at /metrics. Micrometer keeps the counters cheap
 * on the hot path (striped adders) and writes the exposition format.
 */
public final class SinkMetrics {
    private final PrometheusMeterRegistry registry =
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter messagesIn =
            counter("sluice.websocket.messages.in", "messages clients sent");
    private final Counter messagesOut =
            counter("sluice.websocket.messages.out", "frames written to clients");
    private final Counter conflations =
            counter(
                    "sluice.websocket.conflations",
                    "waiting updates replaced by newer ones of the same tags");
    private final Counter streamEntries =
            counter("sluice.websocket.stream.entries", "entries read from the Redis streams");
    private final Counter httpEvents =
            counter("sluice.websocket.http.events", "events the HTTP API took");

    public SinkMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
    }

    private Counter counter(String name, String description) {
        return Counter.builder(name).description(description).register(registry);
    }

    /** Registers a gauge read at each scrape. */
    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    /** Registers a gauge of one stream, read at each scrape. */
    public void streamGauge(
            String name, String description, String stream, Supplier<Number> value) {
        Gauge.builder(name, value)
                .description(description)
                .tag("stream", stream)
                .register(registry);
    }

    public void messageIn() {
        messagesIn.increment();
    }

    public void messageOut() {
        messagesOut.increment();
    }

    public void conflated() {
        conflations.increment();
    }

    public void streamEntry() {
        streamEntries.increment();
    }

    public void httpEvent() {
        httpEvents.increment();
    }

    /** A webhook request the receiver took (2xx). */
    public void webhookSent() {
        registry.counter("sluice.websocket.webhooks.sent").increment();
    }

    /** A client event passed on, by channel type. */
    public void clientEvent(String channelType) {
        registry.counter("sluice.websocket.client.events", "type", channelType).increment();
    }

    /** A connection ended, with this close code. */
    public void disconnected(int code) {
        registry.counter("sluice.websocket.disconnects", "code", Integer.toString(code))
                .increment();
    }

    /**
     * Bad input or a failure of one kind: malformed, unknown-event, bad-channel, unauthorized, ...
     */
    public void error(String kind) {
        registry.counter("sluice.websocket.errors", "kind", kind).increment();
    }

    /** An HTTP API answer with this status. */
    public void httpStatus(int status) {
        registry.counter("sluice.websocket.http.responses", "status", Integer.toString(status))
                .increment();
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }

    /** A counter's value, for tests and the demo's progress line; 0 when it was never counted. */
    public double count(String name, String... tags) {
        Counter c = registry.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }
}
