package io.sluice.websocket.history;

import io.sluice.config.SluiceConfig;
import io.sluice.update.UpdateKeys;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * One request to the history API: the windows of one size of a tag, or of every tag under a prefix,
 * whose start lies in [from, to), raw or rolled up into buckets.
 *
 * <p>Parsed from the query parameters by {@link #parse}, which refuses every bad parameter with a
 * message that names it, so that a client sees what to fix rather than an empty answer.
 *
 * @param tag the exact tag, or null when {@code prefix} is given
 * @param prefix whole leading segments of the tags, or null when {@code tag} is given
 * @param fromMs start of the range, epoch ms, inclusive
 * @param toMs end of the range, epoch ms, exclusive
 * @param windowMs the stored window size
 * @param bucketMs the rollup size, a whole multiple of {@code windowMs}; 0 for the raw windows
 * @param format the answer's format
 * @param limit most rows to return
 * @param shape calendar buckets, gap filling, plot values or the quality report, if asked
 */
public record HistoryQuery(
        String tag,
        String prefix,
        long fromMs,
        long toMs,
        long windowMs,
        long bucketMs,
        HistoryFormat format,
        int limit,
        HistoryShape shape) {

    /**
     * The readings contract's tag: dot-separated segments of [A-Za-z0-9_-], 1 to 64 characters
     * each.
     */
    private static final Pattern TAG =
            Pattern.compile("[A-Za-z0-9_-]{1,64}(\\.[A-Za-z0-9_-]{1,64})*");

    private static final int MAX_TAG_LENGTH = 200;
    private static final Pattern EPOCH_MILLIS = Pattern.compile("-?\\d{1,18}");
    private static final String DEFAULT_WINDOW = "1s";
    private static final long DEFAULT_SPAN_MINUTES = 5;
    // PostgreSQL's timestamptz ends in the year 294276; four-digit years keep every instant
    // printable.
    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");
    private static final Set<String> PARAMETERS =
            Set.of(
                    "tag", "prefix", "from", "to", "window", "bucket", "format", "limit", "tz",
                    "fill", "points", "quality");
    private static final Set<String> FILLS = Set.of("null", "previous", "linear");
    private static final int MAX_POINTS = 100_000;
    private static final Pattern MONTHS = Pattern.compile("([1-9][0-9]?)mo");

    public HistoryQuery {
        requireNonNull(format, "format");
        requireNonNull(shape, "shape");
        if ((tag == null) == (prefix == null)) {
            throw new IllegalArgumentException("exactly one of tag and prefix must be given");
        }
    }

    /**
     * Whether the rows are buckets of several stored windows rather than the windows themselves.
     */
    public boolean isRollup() {
        return bucketMs > 0 || shape.months() > 0;
    }

    /**
     * The query of the given parameters (each name with its values, as they came in the URL).
     *
     * @throws BadHistoryQueryException naming the first bad parameter
     */
    public static HistoryQuery parse(
            Map<String, List<String>> parameters, HistorySettings settings) {
        return parse(parameters, settings, System.currentTimeMillis());
    }

    /**
     * As {@link #parse(Map, HistorySettings)}, at a given time: {@code to} defaults to it, and
     * {@code from} to {@value #DEFAULT_SPAN_MINUTES} minutes before {@code to}.
     */
    public static HistoryQuery parse(
            Map<String, List<String>> parameters, HistorySettings settings, long nowMs) {
        for (Map.Entry<String, List<String>> p : parameters.entrySet()) {
            if (!PARAMETERS.contains(p.getKey())) {
                throw bad(
                        "unknown parameter '"
                                + p.getKey()
                                + "'; known: tag, prefix, from, to, window, bucket, format, limit,"
                                + " tz, fill, points, quality");
            }
            if (p.getValue().size() > 1) {
                throw bad(
                        "parameter '"
                                + p.getKey()
                                + "' is given "
                                + p.getValue().size()
                                + " times; give it once");
            }
        }
        String tag = single(parameters, "tag");
        String prefix = single(parameters, "prefix");
        if (tag == null && prefix == null) {
            throw bad("give 'tag' (an exact tag) or 'prefix' (leading segments of tags)");
        }
        if (tag != null && prefix != null) {
            throw bad("give either 'tag' or 'prefix', not both");
        }
        if (tag != null) {
            checkTag("tag", tag);
        } else {
            checkTag("prefix", prefix);
        }

        long to = single(parameters, "to") == null ? nowMs : instant(parameters, "to");
        long from =
                single(parameters, "from") == null
                        ? to - DEFAULT_SPAN_MINUTES * 60_000L
                        : instant(parameters, "from");
        if (to <= from) {
            throw bad(
                    "'to' ("
                            + Instant.ofEpochMilli(to)
                            + ") must be after 'from' ("
                            + Instant.ofEpochMilli(from)
                            + ")");
        }
        long maxRange = settings.maxRange().toMillis();
        if (to - from > maxRange) {
            throw bad(
                    "the range from 'from' to 'to' is "
                            + label(to - from)
                            + ", longer than the "
                            + label(maxRange)
                            + " allowed (history.max.range)");
        }

        String windowText = single(parameters, "window");
        long window = duration("window", windowText == null ? DEFAULT_WINDOW : windowText);
        if (!settings.storedWindowsMs().contains(window)) {
            throw bad(
                    "'window' ("
                            + windowText
                            + ") is not a stored window size; the job stores "
                            + String.join(
                                    ", ",
                                    settings.storedWindowsMs().stream()
                                            .map(HistoryQuery::label)
                                            .toList()));
        }
        String bucketText = single(parameters, "bucket");
        Matcher monthly = bucketText == null ? null : MONTHS.matcher(bucketText);
        int months = monthly != null && monthly.matches() ? Integer.parseInt(monthly.group(1)) : 0;
        long bucket = bucketText == null || months > 0 ? 0 : duration("bucket", bucketText);
        if (bucket != 0 && bucket % window != 0) {
            throw bad(
                    "'bucket' ("
                            + bucketText
                            + ") must be a whole multiple of 'window' ("
                            + label(window)
                            + ")");
        }

        HistoryFormat format = format(single(parameters, "format"));
        int limit = limit(single(parameters, "limit"), settings.maxRows());
        HistoryShape shape = shape(parameters, tag != null, bucket, months);
        return new HistoryQuery(tag, prefix, from, to, window, bucket, format, limit, shape);
    }

    /** tz, fill, points and quality, checked against each other and the rest. */
    private static HistoryShape shape(
            Map<String, List<String>> parameters, boolean oneTag, long bucket, int months) {
        String tz = single(parameters, "tz");
        String fill = single(parameters, "fill");
        String pointsText = single(parameters, "points");
        String qualityText = single(parameters, "quality");
        if (tz != null) {
            try {
                ZoneId.of(tz);
            } catch (DateTimeException e) {
                throw bad("'tz' (" + tz + ") is not a time zone like Asia/Jakarta or UTC");
            }
            if (bucket == 0 && months == 0) {
                throw bad("'tz' makes calendar buckets: give 'bucket' too (1d, 1h, 1mo)");
            }
        } else if (months > 0) {
            throw bad(
                    "'bucket' ("
                            + months
                            + "mo) is calendar months: give 'tz' too (UTC, Asia/Jakarta)");
        }
        if (fill != null) {
            if (!FILLS.contains(fill)) {
                throw bad("'fill' (" + fill + ") must be null, previous or linear");
            }
            if (bucket == 0 || !oneTag || tz != null) {
                throw bad("'fill' fills the buckets of one tag: give 'tag' and 'bucket', no 'tz'");
            }
        }
        int points = 0;
        if (pointsText != null) {
            try {
                points = Integer.parseInt(pointsText.trim());
            } catch (NumberFormatException e) {
                points = -1;
            }
            if (points < 1 || points > MAX_POINTS) {
                throw bad("'points' (" + pointsText + ") must be a number from 1 to " + MAX_POINTS);
            }
            if (!oneTag || bucket != 0 || months != 0) {
                throw bad("'points' plots one tag: give 'tag', and no 'bucket'");
            }
        }
        boolean quality = false;
        if (qualityText != null) {
            if (!qualityText.equals("true") && !qualityText.equals("false")) {
                throw bad("'quality' (" + qualityText + ") must be true or false");
            }
            quality = qualityText.equals("true");
            if (quality && (bucket != 0 || months != 0 || points != 0)) {
                throw bad("'quality' reports a whole range: no 'bucket' or 'points'");
            }
        }
        return new HistoryShape(tz, months, fill, points, quality);
    }

    private static String single(Map<String, List<String>> parameters, String name) {
        List<String> values = parameters.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static void checkTag(String name, String value) {
        if (value.length() > MAX_TAG_LENGTH || !TAG.matcher(value).matches()) {
            throw bad(
                    "'"
                            + name
                            + "' must be dot-separated segments of letters, digits, '_' and '-' (1 to 64 each, "
                            + MAX_TAG_LENGTH
                            + " in all), like plant1.area03; got '"
                            + value
                            + "'");
        }
    }

    /** Epoch milliseconds, or an ISO-8601 instant such as 2026-11-27T10:00:00Z. */
    private static long instant(Map<String, List<String>> parameters, String name) {
        String value = single(parameters, name);
        if (value == null || value.isBlank()) {
            throw bad(
                    "'"
                            + name
                            + "' is missing: give an ISO-8601 instant (2026-11-27T10:00:00Z) or epoch milliseconds");
        }
        String text = value.trim();
        Instant instant;
        try {
            instant =
                    EPOCH_MILLIS.matcher(text).matches()
                            ? Instant.ofEpochMilli(Long.parseLong(text))
                            : Instant.parse(text);
        } catch (DateTimeException e) {
            throw bad(
                    "'"
                            + name
                            + "' ("
                            + value
                            + ") is neither an ISO-8601 instant (2026-11-27T10:00:00Z) nor epoch milliseconds");
        }
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw bad("'" + name + "' (" + value + ") must lie between the years 1 and 9999");
        }
        return instant.toEpochMilli();
    }

    private static long duration(String name, String value) {
        long ms;
        try {
            ms = SluiceConfig.parseDuration(value).toMillis();
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw bad("'" + name + "' (" + value + ") is not a window size like 1s, 1m or 500ms");
        }
        if (ms < 1) {
            throw bad("'" + name + "' (" + value + ") must be at least 1ms");
        }
        return ms;
    }

    private static HistoryFormat format(String value) {
        if (value == null) {
            return HistoryFormat.JSON;
        }
        for (HistoryFormat f : HistoryFormat.values()) {
            if (f.parameterValue().equals(value)) {
                return f;
            }
        }
        throw bad("'format' (" + value + ") must be json or csv");
    }

    private static int limit(String value, int maxRows) {
        if (value == null) {
            return maxRows;
        }
        int limit;
        try {
            limit = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw bad("'limit' (" + value + ") is not a whole number");
        }
        if (limit < 1 || limit > maxRows) {
            throw bad(
                    "'limit' ("
                            + value
                            + ") must be between 1 and "
                            + maxRows
                            + " (history.max.rows)");
        }
        return limit;
    }

    private static BadHistoryQueryException bad(String message) {
        return new BadHistoryQueryException(message);
    }

    /** The size of a window or bucket as the API writes it: 1s, 1m, 500ms. */
    static String label(long ms) {
        return UpdateKeys.windowLabel(ms);
    }
}
