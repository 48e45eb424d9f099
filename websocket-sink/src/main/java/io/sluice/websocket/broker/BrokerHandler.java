package io.sluice.websocket.broker;

/** What a broker pushes new entries into, one at a time and in order. */
public interface BrokerHandler {
    /** A new entry of a subscribed stream. */
    void onEntry(String stream, BrokerEntry entry);
}
