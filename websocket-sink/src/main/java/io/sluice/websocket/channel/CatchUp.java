package io.sluice.websocket.channel;

import io.sluice.update.UpdateKeys;
import io.sluice.websocket.broker.Broker;
import io.sluice.websocket.broker.BrokerEntry;
import io.sluice.websocket.broker.StreamPosition;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a new subscription gets before the live updates: the latest value of every tag of the
 * channel, or, for a client that resumes from a stream position, the entries it missed; read from
 * the broker.
 */
public final class CatchUp {
    /**
     * @param frames the frames to send first, in order
     * @param upTo the last stream entry they cover, so live frames up to it are not sent twice;
     *     null when they are a snapshot, which live frames only refresh
     */
    public record Result(List<OutboundFrame> frames, StreamPosition upTo) {}

    private final Broker broker;
    private final Broadcaster broadcaster;
    private final String streamPrefix;
    private final int maxEntries;

    /**
     * @param maxEntries the most stream entries a resuming client gets (the streams' length cap)
     */
    public CatchUp(Broker broker, Broadcaster broadcaster, String streamPrefix, int maxEntries) {
        this.broker = Objects.requireNonNull(broker, "broker");
        this.broadcaster = Objects.requireNonNull(broadcaster, "broadcaster");
        this.streamPrefix = Objects.requireNonNull(streamPrefix, "streamPrefix");
        this.maxEntries = maxEntries;
    }

    /**
     * The catch-up of a channel that carries updates.
     *
     * @param resumeAfter the last stream id the client saw, or null for a first subscription
     */
    public Result of(ChannelRoute route, StreamPosition resumeAfter) {
        String stream = UpdateKeys.streamKey(streamPrefix, route.windowMs());
        if (resumeAfter != null) {
            StreamPosition first = broker.first(stream);
            if (first == null || first.compareTo(resumeAfter) <= 0) {
                return missed(route, stream, resumeAfter, new ArrayList<>());
            }
            // The stream was trimmed past the client's position: the snapshot fills the gap.
        }
        StreamPosition at =
                broker.last(stream); // before the hashes, so a resume from it loses nothing
        List<OutboundFrame> frames =
                broadcaster.snapshotFrames(
                        route, broker.snapshot(route.windowMs(), route.group()), at);
        return resumeAfter == null
                ? new Result(frames, null)
                : missed(route, stream, resumeAfter, frames);
    }

    private Result missed(
            ChannelRoute route, String stream, StreamPosition after, List<OutboundFrame> frames) {
        List<BrokerEntry> entries = broker.after(stream, after, maxEntries);
        frames.addAll(broadcaster.updateFrames(route, entries));
        StreamPosition upTo =
                entries.isEmpty() ? after : entries.get(entries.size() - 1).position();
        return new Result(frames, upTo);
    }
}
