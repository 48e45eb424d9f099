package io.sluice.job.sinks;

import io.sluice.job.JobSettings;
import io.sluice.job.faults.FaultCount;

import org.apache.flink.api.connector.sink2.Sink;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * The late readings and dead letters of each source and minute into PostgreSQL's {@code
 * reading_faults}, for the analysts' data-quality reports. Each row holds the greater of the stored
 * and the new totals, so a replay leaves the right count.
 */
public final class FaultsSink {
    static final String UPSERT =
            "INSERT INTO reading_faults (source, minute, late_count, dead_letter_count)"
                    + " SELECT source, timestamptz 'epoch' + minute * interval '1 millisecond',"
                    + " late_count, dead_letter_count"
                    + " FROM unnest(?::text[], ?::bigint[], ?::bigint[], ?::bigint[])"
                    + " AS batch(source, minute, late_count, dead_letter_count)"
                    + " ON CONFLICT (source, minute) DO UPDATE SET"
                    + " late_count = greatest(reading_faults.late_count, EXCLUDED.late_count),"
                    + " dead_letter_count = greatest(reading_faults.dead_letter_count,"
                    + " EXCLUDED.dead_letter_count)";

    private FaultsSink() {}

    /** Upserts in batches that hold each source and minute once, its latest totals. */
    public static Sink<FaultCount> create(JobSettings s) {
        return ConflatingSink.upserts(s, UPSERT, FaultsSink::bind, new LatestTotals());
    }

    /** A source's minute is a row; its totals only grow, so the later ones stay. */
    static final class LatestTotals implements ConflatingSink.Conflation<FaultCount> {
        private static final long serialVersionUID = 1L;

        @Override
        public Object key(FaultCount f) {
            return f.key();
        }

        @Override
        public FaultCount newer(FaultCount held, FaultCount incoming) {
            return incoming;
        }
    }

    /** Sets the parameters of {@link #UPSERT}: each column of the batch as an array. */
    static void bind(PreparedStatement ps, List<FaultCount> batch) throws SQLException {
        int n = batch.size();
        String[] source = new String[n];
        long[] minute = new long[n];
        long[] late = new long[n];
        long[] deadLetters = new long[n];
        for (int i = 0; i < n; i++) {
            FaultCount f = batch.get(i);
            source[i] = f.source;
            minute[i] = f.minute;
            late[i] = f.lateCount;
            deadLetters[i] = f.deadLetterCount;
        }
        ps.setArray(1, ps.getConnection().createArrayOf("text", source));
        ps.setObject(2, minute);
        ps.setObject(3, late);
        ps.setObject(4, deadLetters);
    }
}
