package io.sluice.bench;

import java.util.List;

/**
 * One round of a fan-out benchmark ({@link FanoutBench}, {@link PusherFanoutBench}): what K
 * connections got, and what it cost. A figure a benchmark does not measure is NaN.
 *
 * @param heapPerConn the server's heap per subscribed connection after a GC, in bytes
 * @param rssMb the server's peak resident size during the round, in MB
 */
record FanoutRound(
        double connectSeconds,
        double delivered,
        long lost,
        long faults,
        double p50Ms,
        double p99Ms,
        double maxMs,
        double serverUs,
        double kernelShare,
        double loadUs,
        double redisUs,
        double busy,
        double heapPerConn,
        double lateMs,
        double rssMb) {

    /** The medians of a few rounds' figures; lost and faults summed, as nothing may be lost. */
    static FanoutRound median(List<FanoutRound> rs) {
        return new FanoutRound(
                Medians.of(rs, FanoutRound::connectSeconds),
                Medians.of(rs, FanoutRound::delivered),
                rs.stream().mapToLong(FanoutRound::lost).sum(),
                rs.stream().mapToLong(FanoutRound::faults).sum(),
                Medians.of(rs, FanoutRound::p50Ms),
                Medians.of(rs, FanoutRound::p99Ms),
                Medians.of(rs, FanoutRound::maxMs),
                Medians.of(rs, FanoutRound::serverUs),
                Medians.of(rs, FanoutRound::kernelShare),
                Medians.of(rs, FanoutRound::loadUs),
                Medians.of(rs, FanoutRound::redisUs),
                Medians.of(rs, FanoutRound::busy),
                Medians.of(rs, FanoutRound::heapPerConn),
                Medians.of(rs, FanoutRound::lateMs),
                Medians.of(rs, FanoutRound::rssMb));
    }
}
