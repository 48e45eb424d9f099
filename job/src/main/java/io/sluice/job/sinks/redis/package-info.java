/**
 * The Redis sink of the live updates (issue 3, part 7): {@link io.sluice.job.sinks.redis.RedisSink}
 * and its {@link io.sluice.job.sinks.redis.RedisSinkOptions}.
 *
 * <p>The job's window statistics become one stream message per channel group and window ({@code
 * sluice:updates:1s}) and a latest-values hash per group and window size ({@code
 * sluice:latest:1s:plant1.area03}); the format is conf/samples/updates/README.md, its codec {@link
 * io.sluice.update.UpdateCodec}. The sink is best effort and outlives Redis outages: see
 * job/README.md (section "Live updates").
 */
package io.sluice.job.sinks.redis;
