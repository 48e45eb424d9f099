package io.sluice.websocket.cluster;

import org.eclipse.jetty.util.component.LifeCycle;

import java.time.Duration;
import java.util.Map;

/**
 * What the instances of one service share about their clients, per app: how many subscriptions each
 * channel has, the members of each presence channel, and each cache channel's last event. Every
 * change returns the cluster-wide result, so exactly one instance sees each transition (a channel
 * occupied or vacated, a member added or removed) and reports it once.
 *
 * <p>Redis implements it for a cluster ({@code stream.RedisClusterState}, with instance heartbeats
 * that remove a crashed instance's share), memory for one instance ({@link MemoryClusterState}).
 */
public interface ClusterState extends LifeCycle {

    /** What a presence join did. */
    record Join(Outcome outcome, Map<String, String> members) {
        public enum Outcome {
            /** The user is a new member: member_added goes to the others. */
            ADDED,
            /** The user was a member already, through another connection. */
            ALREADY_MEMBER,
            /** The channel is full: the join did nothing. */
            FULL
        }
    }

    /** What the reaper found of a crashed instance's share, to report as if its clients left. */
    interface Reaped {
        /** Nobody in the cluster is subscribed to the channel any more. */
        void vacated(String appId, String channel);

        /** The user's last connection to the presence channel has gone. */
        void memberRemoved(String appId, String channel, String userId);
    }

    /** Where the reaper reports; set once, before start. */
    void listen(Reaped listener);

    /** One more subscription to the channel here; returns the cluster's count after it. */
    long subscribed(String appId, String channel);

    /** One subscription fewer to the channel here; returns the cluster's count after it. */
    long unsubscribed(String appId, String channel);

    /**
     * One more connection of the user to the presence channel.
     *
     * @param userInfo the user's info as JSON text, or null; the first connection's is kept
     * @param maxMembers the most members the channel may have
     * @return the outcome and the members after it (user id → info), in join order
     */
    Join join(String appId, String channel, String userId, String userInfo, int maxMembers);

    /** One connection fewer of the user to the channel; true when it was the user's last. */
    boolean leave(String appId, String channel, String userId);

    /** The app's occupied channels and their subscription counts, by name. */
    Map<String, Long> channels(String appId);

    /** The presence channel's members: user id → info (JSON text or null). */
    Map<String, String> members(String appId, String channel);

    /**
     * Keeps a cache channel's last event (the frame's {@code {event, data}} as JSON) for a while.
     */
    void cache(String appId, String channel, String event, Duration ttl);

    /** The cache channel's last event, or null. */
    String cached(String appId, String channel);
}
