package io.sluice.websocket.history;

import java.util.Locale;

/** The two shapes of an answer: JSON for dashboards, CSV for spreadsheets and notebooks. */
public enum HistoryFormat {
    JSON("application/json; charset=utf-8"),
    CSV("text/csv; charset=utf-8");

    private final String contentType;

    HistoryFormat(String contentType) {
        this.contentType = contentType;
    }

    public String contentType() {
        return contentType;
    }

    /** The name used in the {@code format} parameter: json or csv. */
    public String parameterValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
