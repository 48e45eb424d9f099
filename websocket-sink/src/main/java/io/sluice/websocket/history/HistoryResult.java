package io.sluice.websocket.history;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The rows of one query, at most its limit.
 *
 * @param truncated whether more rows matched than the limit let through
 */
public record HistoryResult(List<HistoryRow> rows, boolean truncated) {
    public HistoryResult {
        rows = List.copyOf(requireNonNull(rows, "rows"));
    }
}
