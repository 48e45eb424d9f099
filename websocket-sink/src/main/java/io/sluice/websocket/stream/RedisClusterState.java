package io.sluice.websocket.stream;

import io.sluice.websocket.cluster.ClusterState;

import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The cluster state in Redis, shared by every instance on it. Each change is one Lua script, so a
 * count and its transition are atomic across instances.
 *
 * <p>Besides the cluster-wide counts, each instance keeps its own share in hashes of its own, and
 * renews a heartbeat (its score in a sorted set) every third of {@code instanceTimeout}. An
 * instance whose heartbeat is older than that is reaped by the first instance to see it: its share
 * is taken off the counts in one script, and what that empties is reported to the {@link
 * ClusterState.Reaped} of the reaping instance only. A stopping instance reaps itself, for
 * connections that went without their close.
 *
 * <p>Keys, under the prefix: {@code subs:{app}} (channel → subscriptions), {@code
 * members:{app}:{channel}} (user → info), {@code conns:{app}:{channel}} (user → connections),
 * {@code cache:{app}:{channel}}, {@code inst:{id}:subs}, {@code inst:{id}:members} and {@code
 * instances}. The scripts name keys they compute: on a Redis Cluster the prefix's hash tag keeps
 * them all on the slot of the key a script is sent by.
 */
public final class RedisClusterState extends AbstractLifeCycle implements ClusterState {
    private static final Logger LOG = LoggerFactory.getLogger(RedisClusterState.class);

    private static final RedisScript COUNT =
            new RedisScript(
                    """
                    local n = redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[3])
                    if n <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]); n = 0 end
                    local m = redis.call('HINCRBY', KEYS[2], ARGV[2], ARGV[3])
                    if m <= 0 then redis.call('HDEL', KEYS[2], ARGV[2]) end
                    return n
                    """);

    private static final RedisScript JOIN =
            new RedisScript(
                    """
                    local c = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
                    local outcome = 'ADDED'
                    if c > 0 then
                      outcome = 'ALREADY_MEMBER'
                    elseif redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then
                      local r = redis.call('HGETALL', KEYS[1])
                      table.insert(r, 1, 'FULL')
                      return r
                    else
                      redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
                    end
                    redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
                    redis.call('HINCRBY', KEYS[3], ARGV[4], 1)
                    local r = redis.call('HGETALL', KEYS[1])
                    table.insert(r, 1, outcome)
                    return r
                    """);

    private static final RedisScript LEAVE =
            new RedisScript(
                    """
                    local m = redis.call('HINCRBY', KEYS[3], ARGV[2], -1)
                    if m <= 0 then redis.call('HDEL', KEYS[3], ARGV[2]) end
                    local c = redis.call('HINCRBY', KEYS[2], ARGV[1], -1)
                    if c > 0 then return 0 end
                    redis.call('HDEL', KEYS[2], ARGV[1])
                    return redis.call('HDEL', KEYS[1], ARGV[1])
                    """);

    /** Reaps every instance whose heartbeat is at or before ARGV[2]; returns what emptied. */
    private static final RedisScript REAP =
            new RedisScript(
                    """
                    local p = ARGV[1]
                    local out = {}
                    for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])) do
                      redis.call('ZREM', KEYS[1], id)
                      local sk = p .. 'inst:' .. id .. ':subs'
                      local s = redis.call('HGETALL', sk)
                      for i = 1, #s, 2 do
                        local a = string.find(s[i], '\\n', 1, true)
                        local app = string.sub(s[i], 1, a - 1)
                        local ch = string.sub(s[i], a + 1)
                        local k = p .. 'subs:' .. app
                        if redis.call('HINCRBY', k, ch, -tonumber(s[i + 1])) <= 0 then
                          redis.call('HDEL', k, ch)
                          table.insert(out, 'v'); table.insert(out, app); table.insert(out, ch)
                        end
                      end
                      redis.call('DEL', sk)
                      local mk = p .. 'inst:' .. id .. ':members'
                      local m = redis.call('HGETALL', mk)
                      for i = 1, #m, 2 do
                        local a = string.find(m[i], '\\n', 1, true)
                        local b = string.find(m[i], '\\n', a + 1, true)
                        local app = string.sub(m[i], 1, a - 1)
                        local ch = string.sub(m[i], a + 1, b - 1)
                        local user = string.sub(m[i], b + 1)
                        local ck = p .. 'conns:' .. app .. ':' .. ch
                        if redis.call('HINCRBY', ck, user, -tonumber(m[i + 1])) <= 0 then
                          redis.call('HDEL', ck, user)
                          redis.call('HDEL', p .. 'members:' .. app .. ':' .. ch, user)
                          table.insert(out, 'm'); table.insert(out, app); table.insert(out, ch)
                          table.insert(out, user)
                        end
                      end
                      redis.call('DEL', mk)
                    end
                    return out
                    """);

    /** What a member without user info is stored as. */
    private static final String NO_INFO = "null";

    private final UnifiedJedis redis;
    private final String prefix;
    private final Duration instanceTimeout;
    private final String instanceId = UUID.randomUUID().toString();
    private final String instances;
    private final String ownSubs;
    private final String ownMembers;
    private volatile Reaped listener = NOBODY;
    private ScheduledExecutorService heartbeat;

    private static final Reaped NOBODY =
            new Reaped() {
                @Override
                public void vacated(String appId, String channel) {}

                @Override
                public void memberRemoved(String appId, String channel, String userId) {}
            };

    RedisClusterState(UnifiedJedis redis, String prefix, Duration instanceTimeout) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        this.instanceTimeout = Objects.requireNonNull(instanceTimeout, "instanceTimeout");
        this.instances = prefix + "instances";
        this.ownSubs = prefix + "inst:" + instanceId + ":subs";
        this.ownMembers = prefix + "inst:" + instanceId + ":members";
    }

    /** This instance's id in the heartbeats. */
    public String instanceId() {
        return instanceId;
    }

    @Override
    public void listen(Reaped listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    @Override
    protected void doStart() throws Exception {
        // Redis may be away at start: the service starts anyway, the first tick that reaches it
        // beats.
        tick();
        heartbeat =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "cluster-heartbeat");
                            t.setDaemon(true);
                            return t;
                        });
        long every = Math.max(1, instanceTimeout.toMillis() / 3);
        heartbeat.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception {
        heartbeat.shutdownNow();
        heartbeat.awaitTermination(5, TimeUnit.SECONDS);
        try {
            // Reap itself: whatever its connections left behind goes, and is reported, now.
            redis.zadd(instances, 0, instanceId);
            reap(0);
        } catch (RuntimeException e) {
            LOG.warn("Could not remove this instance's share from Redis: {}", e.getMessage());
        }
        super.doStop();
    }

    /**
     * Stops renewing the heartbeat and leaves everything in Redis, as a crashed instance does; for
     * the tests of the reaping.
     */
    public void stopHeartbeat() {
        heartbeat.shutdownNow();
    }

    private void tick() {
        try {
            beat();
            reap(System.currentTimeMillis());
        } catch (RuntimeException e) {
            LOG.warn("Cluster heartbeat failed: {}", e.getMessage());
        }
    }

    private void beat() {
        redis.zadd(instances, System.currentTimeMillis() + instanceTimeout.toMillis(), instanceId);
    }

    private void reap(long now) {
        List<String> out = strings(REAP.run(redis, List.of(instances), List.of(prefix, "" + now)));
        Reaped l = listener;
        for (int i = 0; i < out.size(); ) {
            if (out.get(i).equals("v")) {
                l.vacated(out.get(i + 1), out.get(i + 2));
                i += 3;
            } else {
                l.memberRemoved(out.get(i + 1), out.get(i + 2), out.get(i + 3));
                i += 4;
            }
        }
    }

    private long count(String appId, String channel, int delta) {
        Object n =
                COUNT.run(
                        redis,
                        List.of(prefix + "subs:" + appId, ownSubs),
                        List.of(channel, appId + '\n' + channel, "" + delta));
        return ((Number) n).longValue();
    }

    @Override
    public long subscribed(String appId, String channel) {
        return count(appId, channel, 1);
    }

    @Override
    public long unsubscribed(String appId, String channel) {
        return count(appId, channel, -1);
    }

    private List<String> presenceKeys(String appId, String channel) {
        return List.of(
                prefix + "members:" + appId + ":" + channel,
                prefix + "conns:" + appId + ":" + channel,
                ownMembers);
    }

    @Override
    public Join join(String appId, String channel, String userId, String userInfo, int maxMembers) {
        List<String> r =
                strings(
                        JOIN.run(
                                redis,
                                presenceKeys(appId, channel),
                                List.of(
                                        userId,
                                        userInfo == null ? NO_INFO : userInfo,
                                        "" + maxMembers,
                                        appId + '\n' + channel + '\n' + userId)));
        return new Join(Join.Outcome.valueOf(r.get(0)), members(r.subList(1, r.size())));
    }

    @Override
    public boolean leave(String appId, String channel, String userId) {
        Object removed =
                LEAVE.run(
                        redis,
                        presenceKeys(appId, channel),
                        List.of(userId, appId + '\n' + channel + '\n' + userId));
        return ((Number) removed).longValue() > 0;
    }

    @Override
    public Map<String, Long> channels(String appId) {
        Map<String, Long> out = new TreeMap<>();
        redis.hgetAll(prefix + "subs:" + appId).forEach((k, v) -> out.put(k, Long.parseLong(v)));
        return out;
    }

    @Override
    public Map<String, String> members(String appId, String channel) {
        Map<String, String> out = new TreeMap<>();
        redis.hgetAll(prefix + "members:" + appId + ":" + channel)
                .forEach((k, v) -> out.put(k, NO_INFO.equals(v) ? null : v));
        return out;
    }

    private static Map<String, String> members(List<String> flat) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            String info = flat.get(i + 1);
            out.put(flat.get(i), NO_INFO.equals(info) ? null : info);
        }
        return out;
    }

    @Override
    public void cache(String appId, String channel, String event, Duration ttl) {
        redis.set(
                prefix + "cache:" + appId + ":" + channel,
                event,
                SetParams.setParams().px(ttl.toMillis()));
    }

    @Override
    public String cached(String appId, String channel) {
        return redis.get(prefix + "cache:" + appId + ":" + channel);
    }

    private static List<String> strings(Object reply) {
        List<String> out = new ArrayList<>();
        if (reply instanceof List<?> list) {
            for (Object o : list) {
                out.add(
                        o instanceof byte[] b
                                ? new String(b, StandardCharsets.UTF_8)
                                : String.valueOf(o));
            }
        }
        return out;
    }
}
