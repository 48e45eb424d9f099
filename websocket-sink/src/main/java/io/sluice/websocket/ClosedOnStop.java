package io.sluice.websocket;

import org.eclipse.jetty.util.component.AbstractLifeCycle;

import java.util.Objects;

/**
 * A resource that is not a Jetty {@code LifeCycle} (the history API's HikariCP pool) as a bean of
 * the server: stopping the server closes it, in the beans' reverse order like every other part.
 */
final class ClosedOnStop extends AbstractLifeCycle {
    private final AutoCloseable resource;

    ClosedOnStop(AutoCloseable resource) {
        this.resource = Objects.requireNonNull(resource, "resource");
    }

    @Override
    protected void doStop() throws Exception {
        resource.close();
        super.doStop();
    }

    @Override
    public String toString() {
        return "ClosedOnStop[" + resource + "]";
    }
}
