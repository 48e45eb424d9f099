package io.sluice.job.sinks;

import io.sluice.job.JobSettings;
import io.sluice.job.faults.FaultCount;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;

/**
 * The late readings and dead letters of each source and minute into PostgreSQL's {@code
 * reading_faults}, for the analysts' data-quality reports. Each row holds the greater of the stored
 * and the new totals, so a replay, or two totals of one key in a batch, leave the right count.
 */
public final class FaultsSink {
    static final String UPSERT =
            "INSERT INTO reading_faults (source, minute, late_count, dead_letter_count)"
                    + " VALUES (?, ?, ?, ?) ON CONFLICT (source, minute) DO UPDATE SET"
                    + " late_count = greatest(reading_faults.late_count, EXCLUDED.late_count),"
                    + " dead_letter_count = greatest(reading_faults.dead_letter_count,"
                    + " EXCLUDED.dead_letter_count)";

    private FaultsSink() {}

    public static Sink<FaultCount> create(JobSettings s) {
        return JdbcSink.<FaultCount>builder()
                .withQueryStatement(UPSERT, FaultsSink::bind)
                .withExecutionOptions(
                        JdbcExecutionOptions.builder()
                                .withBatchSize(s.jdbcBatchSize())
                                .withBatchIntervalMs(s.jdbcBatchIntervalMs())
                                .withMaxRetries(s.jdbcMaxRetries())
                                .build())
                // Statement by statement (no reWriteBatchedInserts): a batch may hold one key
                // twice.
                .buildAtLeastOnce(HistorySink.connection(s).build());
    }

    static void bind(PreparedStatement ps, FaultCount f) throws SQLException {
        ps.setString(1, f.source);
        ps.setTimestamp(2, new Timestamp(f.minute));
        ps.setLong(3, f.lateCount);
        ps.setLong(4, f.deadLetterCount);
    }
}
