-- Sluice history: one row per tag, window size and window start. Applied by the job on start
-- (every statement is idempotent). Columns are the WindowStats fields; see job/README.md.

CREATE TABLE IF NOT EXISTS window_stats (
  -- "C" collation, so that the primary key also serves prefix searches (tag LIKE 'plant1.area03.%').
  tag             text COLLATE "C" NOT NULL,
  window_ms       integer          NOT NULL,
  window_start    timestamptz      NOT NULL,
  window_end      timestamptz      NOT NULL,
  count           bigint           NOT NULL,
  good_count      bigint           NOT NULL,
  uncertain_count bigint           NOT NULL,
  bad_count       bigint           NOT NULL,
  sum             double precision NOT NULL,
  min             double precision NOT NULL,
  max             double precision NOT NULL,
  first_ts        timestamptz      NOT NULL,
  first_value     double precision NOT NULL,
  last_ts         timestamptz      NOT NULL,
  last_value      double precision NOT NULL,
  mean            double precision NOT NULL,
  -- Welford's sum of squared deviations: merge windows with Chan's formula; stddev = sqrt(m2 / count).
  m2              double precision NOT NULL,
  stddev          double precision NOT NULL,
  -- Time-weighted average = twa_area / twa_span_ms; area and span add up across windows.
  twa             double precision NOT NULL,
  twa_area        double precision NOT NULL,
  twa_span_ms     bigint           NOT NULL,
  worst_quality   text             NOT NULL CHECK (worst_quality IN ('good', 'uncertain', 'bad')),
  -- 0 when first written; each late revision adds one; after the job restores, at least
  -- restore epoch x 65536 (job/README.md). An older revision never overwrites a newer.
  revision        integer          NOT NULL,
  updated_at      timestamptz      NOT NULL DEFAULT now(),
  PRIMARY KEY (tag, window_ms, window_start)
);

-- The rule of io.sluice.update.WindowVersion: does (window_start, revision) supersede the held
-- (held_start, held_revision)? A later window, or the same window with a revision at least as high
-- (an equal one is a retry of itself). The history upsert keeps a row only for what supersedes it.
-- A single expression, so PostgreSQL inlines it; tested against conf/samples/updates/supersedes.tsv.
CREATE OR REPLACE FUNCTION window_supersedes(
  window_start timestamptz, revision integer, held_start timestamptz, held_revision integer)
RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT (window_start, revision) >= (held_start, held_revision) $$;

-- Late readings and dead letters per source and minute, for the data-quality reports (the job's
-- FaultCounts): source is the tag, or 'reason:<REJECT_REASON>' for a dead letter whose record key is
-- no tag; minute is the start of the minute of a late reading's time, or of a dead letter's Kafka
-- record. The job writes running totals, and a row keeps the greater of stored and new.
CREATE TABLE IF NOT EXISTS reading_faults (
  source            text COLLATE "C" NOT NULL,
  minute            timestamptz      NOT NULL,
  late_count        bigint           NOT NULL,
  dead_letter_count bigint           NOT NULL,
  PRIMARY KEY (source, minute)
);

-- Every tag over a time range (dashboards, rollups of a whole area).
CREATE INDEX IF NOT EXISTS window_stats_by_time ON window_stats (window_ms, window_start);
