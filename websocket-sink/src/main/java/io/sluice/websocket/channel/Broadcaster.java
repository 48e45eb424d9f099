package io.sluice.websocket.channel;

import io.sluice.update.GroupUpdate;
import io.sluice.update.TagUpdate;
import io.sluice.update.UpdateCodec;
import io.sluice.update.UpdateKeys;
import io.sluice.websocket.broker.BrokerEntry;
import io.sluice.websocket.broker.BrokerHandler;
import io.sluice.websocket.broker.EventEntry;
import io.sluice.websocket.broker.StreamPosition;
import io.sluice.websocket.metrics.SinkMetrics;
import io.sluice.websocket.protocol.PusherCodec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * Turns the broker's entries into Pusher frames and gives them to the hub: each update once to its
 * group's channel in every app and once to the all-groups channel (and their private twins), each
 * frame serialised once for all of a channel's subscribers, and only for channels someone listens
 * to.
 */
public final class Broadcaster implements BrokerHandler {
    private static final Logger LOG = LoggerFactory.getLogger(Broadcaster.class);

    private final Hub hub;
    private final ChannelNames names;
    private final PusherCodec codec;
    private final UpdateCodec updates;
    private final String eventName;
    private final SinkMetrics metrics;
    private final Map<String, Long> updateStreams;
    private final String eventsStream;
    private final BiConsumer<String, String> terminateUser;

    /**
     * @param updateStreams the update streams and their window sizes
     * @param eventsStream the stream of the HTTP API's events
     * @param terminateUser closes this instance's connections of (app id, user id)
     */
    public Broadcaster(
            Hub hub,
            ChannelNames names,
            PusherCodec codec,
            UpdateCodec updates,
            String eventName,
            SinkMetrics metrics,
            Map<String, Long> updateStreams,
            String eventsStream,
            BiConsumer<String, String> terminateUser) {
        this.hub = Objects.requireNonNull(hub, "hub");
        this.names = Objects.requireNonNull(names, "names");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.updates = Objects.requireNonNull(updates, "updates");
        this.eventName = Objects.requireNonNull(eventName, "eventName");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.updateStreams = Map.copyOf(updateStreams);
        this.eventsStream = Objects.requireNonNull(eventsStream, "eventsStream");
        this.terminateUser = Objects.requireNonNull(terminateUser, "terminateUser");
    }

    /** The update streams of the window sizes, with their window sizes. */
    public static Map<String, Long> updateStreams(String streamPrefix, List<Long> windowsMs) {
        Map<String, Long> streams = new LinkedHashMap<>();
        for (long w : windowsMs) {
            streams.put(UpdateKeys.streamKey(streamPrefix, w), w);
        }
        return streams;
    }

    /** The streams it reads: the update streams, then the events stream. */
    public List<String> streams() {
        List<String> streams = new ArrayList<>(updateStreams.keySet());
        streams.sort(null);
        streams.add(eventsStream);
        return streams;
    }

    @Override
    public void onEntry(String stream, BrokerEntry entry) {
        Long windowMs = updateStreams.get(stream);
        if (windowMs != null) {
            onUpdate(windowMs, entry.position(), entry.fields());
        } else if (stream.equals(eventsStream)) {
            onEvent(entry.position(), entry.fields());
        }
    }

    private void onUpdate(long windowMs, StreamPosition id, Map<String, String> fields) {
        metrics.streamEntry();
        Update u = decode(id, fields);
        if (u == null) {
            return;
        }
        String group = names.groupChannel(u.group, windowMs);
        String all = names.allChannel(windowMs);
        publish(group, u, id);
        publish(all, u, id);
        publish(ChannelNames.PRIVATE_PREFIX + group, u, id);
        publish(ChannelNames.PRIVATE_PREFIX + all, u, id);
    }

    private void publish(String channel, Update u, StreamPosition id) {
        if (hub.hasSubscribersInAnyApp(channel)) {
            hub.publishInEveryApp(channel, frame(channel, u, id, false));
        }
    }

    private void onEvent(StreamPosition id, Map<String, String> fields) {
        metrics.streamEntry();
        EventEntry event;
        try {
            event = EventEntry.fromFields(fields);
        } catch (IllegalArgumentException e) {
            metrics.error("bad-stream-entry");
            LOG.warn("Skipping events stream entry {}: {}", id, e.getMessage());
            return;
        }
        if (event.name().equals(EventEntry.TERMINATE_USER)) {
            terminateUser.accept(event.appId(), event.data());
            return;
        }
        for (String channel : event.channels()) {
            if (hub.hasSubscribers(event.appId(), channel)) {
                OutboundFrame frame =
                        OutboundFrame.of(
                                codec.event(event.name(), channel, event.data(), event.userId()));
                hub.publish(event.appId(), channel, frame, event.exceptSocketId());
            }
        }
    }

    /** The frames of stream entries for one channel, as a resuming client gets them. */
    List<OutboundFrame> updateFrames(ChannelRoute route, List<BrokerEntry> entries) {
        List<OutboundFrame> frames = new ArrayList<>();
        for (BrokerEntry e : entries) {
            Update u = decode(e.position(), e.fields());
            if (u != null && route.carries(u.group)) {
                frames.add(frame(route.name(), u, e.position(), false));
            }
        }
        return frames;
    }

    /**
     * The snapshot frames of one channel: per group, one message per window start among its latest
     * values (the tags of a group need not be at the same window).
     *
     * @param latest group → (name → latest value), from {@code Broker.snapshot}
     * @param at the stream's position when the snapshot was taken
     */
    List<OutboundFrame> snapshotFrames(
            ChannelRoute route, Map<String, Map<String, String>> latest, StreamPosition at) {
        List<OutboundFrame> frames = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> group : latest.entrySet()) {
            Map<Long, List<TagUpdate>> byStart = new TreeMap<>();
            for (Map.Entry<String, String> value : new TreeMap<>(group.getValue()).entrySet()) {
                try {
                    TagUpdate t =
                            updates.decodeLatest(
                                    value.getKey(),
                                    value.getValue().getBytes(StandardCharsets.UTF_8));
                    byStart.computeIfAbsent(t.windowStart(), s -> new ArrayList<>()).add(t);
                } catch (IllegalArgumentException e) {
                    metrics.error("bad-latest-value");
                }
            }
            for (Map.Entry<Long, List<TagUpdate>> window : byStart.entrySet()) {
                GroupUpdate g =
                        new GroupUpdate(
                                group.getKey(),
                                route.windowMs(),
                                window.getKey(),
                                window.getValue());
                String message = new String(updates.encodeMessage(g), StandardCharsets.UTF_8);
                Update u = new Update(group.getKey(), message, window.getKey(), null);
                frames.add(frame(route.name(), u, at, true));
            }
        }
        return frames;
    }

    private OutboundFrame frame(String channel, Update u, StreamPosition id, boolean snapshot) {
        byte[] bytes =
                codec.event(eventName, channel, UpdatePayload.of(id, u.group, u.message, snapshot));
        String key = u.tagNames == null ? null : channel + '|' + u.tagNames;
        return new OutboundFrame(bytes, key, u.windowStart, snapshot ? null : id);
    }

    /** Reads an update entry; null (counted and logged) when it is not one. */
    private Update decode(StreamPosition id, Map<String, String> fields) {
        String group = fields.get(UpdateKeys.FIELD_GROUP);
        String message = fields.get(UpdateKeys.FIELD_DATA);
        try {
            if (group == null || message == null || !ChannelNames.isValid(group)) {
                throw new IllegalArgumentException(
                        "an update entry needs a channel group g and a message d");
            }
            GroupUpdate g = updates.decodeMessage(group, message.getBytes(StandardCharsets.UTF_8));
            StringBuilder tagNames = new StringBuilder();
            for (TagUpdate t : g.tags()) {
                tagNames.append(t.name()).append(',');
            }
            return new Update(group, message, g.windowStart(), tagNames.toString());
        } catch (IllegalArgumentException e) {
            metrics.error("bad-stream-entry");
            LOG.warn("Skipping update stream entry {}: {}", id, e.getMessage());
            return null;
        }
    }

    /**
     * A decoded update entry: its group, the job's JSON, its window start, and its tags as a key.
     */
    private record Update(String group, String message, long windowStart, String tagNames) {}
}
