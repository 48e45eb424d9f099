package io.sluice.websocket.history;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The rows of one query, at most its limit: their column names, and each row's values in that order
 * (String, Long, Integer, Double, Boolean, or null; times as epoch milliseconds).
 *
 * @param truncated whether more rows matched than the limit let through
 */
public record HistoryResult(List<String> columns, List<List<Object>> rows, boolean truncated) {
    public HistoryResult {
        columns = List.copyOf(requireNonNull(columns, "columns"));
        rows = List.copyOf(requireNonNull(rows, "rows"));
    }

    /** Row {@code i} as column name to value, in column order. */
    public Map<String, Object> row(int i) {
        Map<String, Object> row = new LinkedHashMap<>();
        List<Object> values = rows.get(i);
        for (int c = 0; c < columns.size(); c++) {
            row.put(columns.get(c), values.get(c));
        }
        return row;
    }
}
