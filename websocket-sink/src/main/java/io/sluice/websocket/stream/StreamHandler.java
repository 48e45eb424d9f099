package io.sluice.websocket.stream;

import redis.clients.jedis.StreamEntryID;

import java.util.Map;

/** What the stream reader pushes into, entry by entry, from its one thread. */
public interface StreamHandler {
    /** An entry of an update stream: the job's message of one channel group and window. */
    void onUpdate(long windowMs, StreamEntryID id, Map<String, String> fields);

    /** An entry of the events stream: an event the HTTP API took. */
    void onEvent(StreamEntryID id, Map<String, String> fields);
}
