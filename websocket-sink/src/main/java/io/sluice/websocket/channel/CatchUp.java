package io.sluice.websocket.channel;

import io.sluice.update.UpdateKeys;
import io.sluice.websocket.connection.OutboundFrame;
import io.sluice.websocket.stream.RedisStore;

import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a new subscription gets before the live updates: the latest value of every tag of the
 * channel, or, for a client that resumes from a stream id, the entries it missed.
 */
public final class CatchUp {
    /**
     * @param frames the frames to send first, in order
     * @param upTo the last stream entry they cover, so live frames up to it are not sent twice;
     *     null when they are a snapshot, which live frames only refresh
     */
    public record Result(List<OutboundFrame> frames, StreamEntryID upTo) {}

    private final RedisStore store;
    private final Broadcaster broadcaster;
    private final String streamPrefix;
    private final int maxEntries;

    /**
     * @param maxEntries the most stream entries a resuming client gets (the streams' length cap)
     */
    public CatchUp(RedisStore store, Broadcaster broadcaster, String streamPrefix, int maxEntries) {
        this.store = Objects.requireNonNull(store, "store");
        this.broadcaster = Objects.requireNonNull(broadcaster, "broadcaster");
        this.streamPrefix = Objects.requireNonNull(streamPrefix, "streamPrefix");
        this.maxEntries = maxEntries;
    }

    /**
     * The catch-up of a channel that carries updates.
     *
     * @param resumeAfter the last stream id the client saw, or null for a first subscription
     */
    public Result of(ChannelRoute route, StreamEntryID resumeAfter) {
        String stream = UpdateKeys.streamKey(streamPrefix, route.windowMs());
        if (resumeAfter != null) {
            StreamEntryID first = store.firstId(stream);
            if (first == null || first.compareTo(resumeAfter) <= 0) {
                return missed(route, stream, resumeAfter, new ArrayList<>());
            }
            // The stream was trimmed past the client's position: the snapshot fills the gap.
        }
        StreamEntryID at =
                store.lastId(stream); // before the hashes, so a resume from it loses nothing
        List<OutboundFrame> frames =
                broadcaster.snapshotFrames(
                        route, store.latest(route.windowMs(), route.group()), at);
        return resumeAfter == null
                ? new Result(frames, null)
                : missed(route, stream, resumeAfter, frames);
    }

    private Result missed(
            ChannelRoute route, String stream, StreamEntryID after, List<OutboundFrame> frames) {
        List<StreamEntry> entries = store.after(stream, after, maxEntries);
        frames.addAll(broadcaster.updateFrames(route, entries));
        StreamEntryID upTo = entries.isEmpty() ? after : entries.get(entries.size() - 1).getID();
        return new Result(frames, upTo);
    }
}
