package io.sluice.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time from Linux's /proc: a process's user + system time (all its threads), and the whole
 * machine's busy and total time, in clock ticks (USER_HZ, 100 a second here).
 */
final class ProcCpu {
    /** Clock ticks a second: USER_HZ, which is 100 on every Linux build this runs on. */
    static final double TICKS_PER_SECOND = 100;

    private ProcCpu() {}

    /** utime + stime of a process, in seconds; fields 14 and 15 of /proc/{pid}/stat. */
    static double processSeconds(long pid) {
        double[] t = userSystemSeconds(pid);
        return t[0] + t[1];
    }

    /** {utime, stime} of a process, in seconds: user code, and the kernel working for it. */
    static double[] userSystemSeconds(long pid) {
        String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
        // The command name (field 2) is in parentheses and may hold spaces: count after the last
        // ')'.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        return new double[] {
            Long.parseLong(f[11]) / TICKS_PER_SECOND, Long.parseLong(f[12]) / TICKS_PER_SECOND
        };
    }

    /**
     * The machine's time so far, all cores: {busy, total} in ticks, from the "cpu" line of
     * /proc/stat.
     */
    static long[] machineTicks() {
        String line = read(Path.of("/proc/stat")).lines().findFirst().orElseThrow();
        String[] f = line.trim().split("\\s+");
        long total = 0;
        for (int i = 1;
                i < f.length && i <= 8;
                i++) { // user nice system idle iowait irq softirq steal
            total += Long.parseLong(f[i]);
        }
        long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
        return new long[] {total - idle, total};
    }

    /** Busy share of the whole machine (0 to 1) between two {@link #machineTicks} readings. */
    static double busyShare(long[] before, long[] after) {
        long total = after[1] - before[1];
        return total == 0 ? 0 : (double) (after[0] - before[0]) / total;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
