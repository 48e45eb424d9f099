package io.sluice.websocket.webhook;

import io.sluice.websocket.app.App;

/**
 * Where the service reports what an app's webhooks want to know. It must never block the caller (a
 * connection's or the stream reader's thread): an implementation queues, batches and sends on
 * threads of its own, and counts what it has to drop.
 */
public interface Webhooks {
    /** Webhooks that send nothing, for an app list without any. */
    Webhooks NONE = (app, event) -> {};

    /** Queues the event for those of the app's webhooks that want its type. */
    void emit(App app, WebhookEvent event);
}
