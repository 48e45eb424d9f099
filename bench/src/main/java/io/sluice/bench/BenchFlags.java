package io.sluice.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The benchmarks' comma-separated flags ({@code --connections 1000,5000}, {@code --modes a,b}). */
final class BenchFlags {
    private BenchFlags() {}

    /** The flag's items, or those of {@code fallback} when it is not given. */
    static List<String> list(Map<String, String> flags, String key, String fallback) {
        return Arrays.stream(flags.getOrDefault(key, fallback).split(","))
                .map(String::trim)
                .toList();
    }

    /** The flag's items as numbers. */
    static int[] ints(Map<String, String> flags, String key, String fallback) {
        return list(flags, key, fallback).stream().mapToInt(Integer::parseInt).toArray();
    }
}
