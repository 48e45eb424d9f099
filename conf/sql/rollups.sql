-- Sluice rollups: the stored windows of window_stats merged into coarser buckets, exactly, from
-- their partials (never averages of averages). Installed with schema.sql by the one installer,
-- io.sluice.history.HistorySchema (the job on start, the tests); every statement is idempotent.
-- The history API (websocket-sink) calls window_rollup; see conf/sql/README.md. The merge math is
-- the same as the job's WindowMath, and both are tested against conf/samples/rollups/.
--
-- It returns one row per tag and bucket, ordered by nothing (order it yourself):
--   tag, window_start, window_end     the bucket [window_start, window_end)
--   windows                           how many stored windows it merged
--   count, good_count, uncertain_count, bad_count, sum, min, max
--                                     added up, or the extremes
--   mean                              sum / count
--   stddev                            population deviation, by Chan's parallel formula in its
--                                     two-pass form: the sum of the windows' m2 plus each window's
--                                     count times the square of its mean's distance from the
--                                     bucket's mean (no catastrophic cancellation when the values
--                                     are large and their spread small)
--   twa                               time-weighted average (sample and hold): the summed areas over
--                                     the summed spans, where the stretches with no stored window
--                                     (a tag that sent nothing for a while) hold the last value
--                                     before them: from a window's end to the next window or the
--                                     bucket's end, and from the bucket's start to its first window
--                                     when the window before is in an earlier bucket or before the
--                                     range. So a rollup equals the job's own coarse window.
--   first_value, last_value           of the earliest and the latest reading
--   worst_quality                     'good', 'uncertain' or 'bad'
--   revision                          the highest revision merged
--
-- Arguments: the stored window size (window_ms of the rows to merge, e.g. 1000), the range
-- [range_start, range_end) of window starts, and the bucket length in milliseconds (e.g. 60000);
-- buckets are aligned to the epoch.

-- window_rollup_core: the one implementation of the merge math, which window_rollup (epoch-aligned
-- buckets), and conf/sql/analytics.sql (calendar buckets in a time zone, percent good, gap filling,
-- plot decimation, data quality) all call. Not for the history API directly: its arguments are not
-- checked. Buckets are either bucket_ms long, aligned to origin_ms (bounds_ms NULL), or the
-- stretches between consecutive boundaries of bounds_ms (epoch milliseconds, ascending; the first at
-- or before range_start, the last at or after range_end; a window belongs to the bucket of its
-- start). On top of window_rollup's columns it gives percent good, by count (good_count / count)
-- and by time (the share of the bucket's length held by windows whose every reading was good, a
-- window holding from its start to the next window or the bucket's end, the stretch from the
-- bucket's start to its first window held by the window before), and below_min_good: true when
-- percent_good_time < min_percent_good, and then the value columns are NULL. Called with constant
-- NULLs for bounds_ms and min_percent_good (as window_rollup does), those branches fold away.
CREATE OR REPLACE FUNCTION window_rollup_core(
  tag_or_prefix text, include_children boolean, window_size_ms integer,
  range_start timestamptz, range_end timestamptz, bucket_ms bigint, origin_ms bigint,
  bounds_ms bigint[], min_percent_good double precision)
RETURNS TABLE (
  tag text, window_start timestamptz, window_end timestamptz, windows bigint,
  count bigint, good_count bigint, uncertain_count bigint, bad_count bigint,
  sum double precision, min double precision, max double precision, mean double precision,
  stddev double precision, twa double precision, first_value double precision,
  last_value double precision, worst_quality text, revision integer,
  percent_good_count double precision, percent_good_time double precision, below_min_good boolean)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
  WITH in_range AS (
    SELECT tag, count, good_count, uncertain_count, bad_count, sum, min, max, mean, m2,
      first_ts, first_value, last_ts, last_value, twa_area, twa_span_ms, revision, worst_quality,
      (EXTRACT(EPOCH FROM window_start) * 1000)::bigint AS start_ms,
      (EXTRACT(EPOCH FROM window_end) * 1000)::bigint AS end_ms
    FROM window_stats
    WHERE CASE WHEN include_children
        THEN tag >= tag_or_prefix COLLATE "C" AND tag < (tag_or_prefix || '/') COLLATE "C"
          AND (tag = tag_or_prefix OR tag >= (tag_or_prefix || '.') COLLATE "C")
        ELSE tag = tag_or_prefix END
      AND window_ms = window_size_ms AND window_start >= range_start AND window_start < range_end
  ), numbered AS (
    SELECT in_range.*,
      CASE WHEN bounds_ms IS NULL
        -- Exact in double precision: a quotient of integers below 2^53 is correctly rounded, and
        -- one that is not whole lies further than an ulp from the next integer.
        THEN floor((start_ms - origin_ms)::double precision / bucket_ms)::bigint
        ELSE width_bucket(start_ms, bounds_ms) END AS bucket_no
    FROM in_range
  ), windows AS (
    SELECT w.*,
      CASE w.worst_quality WHEN 'bad' THEN 2 WHEN 'uncertain' THEN 1 ELSE 0 END AS badness,
      CASE WHEN bounds_ms IS NULL THEN origin_ms + bucket_no * bucket_ms
        ELSE bounds_ms[bucket_no] END AS bucket_start,
      CASE WHEN bounds_ms IS NULL THEN origin_ms + (bucket_no + 1) * bucket_ms
        ELSE bounds_ms[bucket_no + 1] END AS bucket_end,
      -- The window before: the previous one in the range, or for a tag's first, its last window
      -- before the range (one probe of the primary key per tag: coalesce stops at a value).
      coalesce(lag(w.end_ms) OVER t, (SELECT (EXTRACT(EPOCH FROM s.window_end) * 1000)::bigint
        FROM window_stats s WHERE s.tag = w.tag AND s.window_ms = window_size_ms
          AND s.window_start < range_start ORDER BY s.window_start DESC LIMIT 1)) AS prev_end,
      coalesce(lag(w.last_value) OVER t, (SELECT s.last_value
        FROM window_stats s WHERE s.tag = w.tag AND s.window_ms = window_size_ms
          AND s.window_start < range_start ORDER BY s.window_start DESC LIMIT 1)) AS prev_last,
      coalesce(lag(CASE w.worst_quality WHEN 'bad' THEN 2 WHEN 'uncertain' THEN 1 ELSE 0 END)
        OVER t, (SELECT CASE s.worst_quality WHEN 'bad' THEN 2 WHEN 'uncertain' THEN 1 ELSE 0 END
        FROM window_stats s WHERE s.tag = w.tag AND s.window_ms = window_size_ms
          AND s.window_start < range_start ORDER BY s.window_start DESC LIMIT 1)) AS prev_badness,
      lead(w.start_ms) OVER t AS next_start
    FROM numbered w
    WINDOW t AS (PARTITION BY w.tag ORDER BY w.start_ms)
  ), gaps AS (
    SELECT windows.*,
      greatest(0, least(coalesce(next_start, bucket_end), bucket_end) - end_ms) AS trailing_ms,
      CASE WHEN prev_end IS NULL OR prev_end > bucket_start THEN 0
        ELSE start_ms - bucket_start END AS leading_ms
    FROM windows
  ), with_bucket_mean AS (
    SELECT gaps.*,
      sum(sum) OVER bucket / (sum(count) OVER bucket)::double precision AS bucket_mean
    FROM gaps WINDOW bucket AS (PARTITION BY tag, bucket_start)
  ), merged AS (
    SELECT tag,
      to_timestamp(0) + bucket_start * interval '1 millisecond' AS window_start,
      to_timestamp(0) + max(bucket_end) * interval '1 millisecond' AS window_end,
      count(*) AS windows,
      sum(count)::bigint AS count,
      sum(good_count)::bigint AS good_count,
      sum(uncertain_count)::bigint AS uncertain_count,
      sum(bad_count)::bigint AS bad_count,
      sum(sum) AS sum, min(min) AS min, max(max) AS max,
      sum(sum) / sum(count)::double precision AS mean,
      -- M2 = sum of m2_i + sum of count_i * (mean_i - mean)^2; population deviation
      sqrt((sum(m2) + sum(count * (mean - bucket_mean) * (mean - bucket_mean)))
        / sum(count)::double precision) AS stddev,
      (sum(twa_area) + sum(last_value * trailing_ms + coalesce(prev_last, 0) * leading_ms))
        / (sum(twa_span_ms) + sum(trailing_ms + leading_ms))::double precision AS twa,
      (array_agg(first_value ORDER BY first_ts))[1] AS first_value,
      (array_agg(last_value ORDER BY last_ts DESC))[1] AS last_value,
      (ARRAY['good', 'uncertain', 'bad'])[max(badness) + 1] AS worst_quality,
      max(revision) AS revision,
      100 * sum(good_count) / sum(count)::double precision AS percent_good_count,
      100 * sum(CASE WHEN badness = 0 THEN end_ms - start_ms + trailing_ms ELSE 0 END
          + CASE WHEN prev_badness = 0 THEN leading_ms ELSE 0 END)
        / (max(bucket_end) - bucket_start)::double precision AS percent_good_time
    FROM with_bucket_mean GROUP BY tag, bucket_start
  ), flagged AS (
    SELECT merged.*, coalesce(percent_good_time < min_percent_good, false) AS below
    FROM merged
  )
  SELECT tag, window_start, window_end, windows, count, good_count, uncertain_count, bad_count,
    CASE WHEN below THEN NULL ELSE sum END, CASE WHEN below THEN NULL ELSE min END,
    CASE WHEN below THEN NULL ELSE max END, CASE WHEN below THEN NULL ELSE mean END,
    CASE WHEN below THEN NULL ELSE stddev END, CASE WHEN below THEN NULL ELSE twa END,
    CASE WHEN below THEN NULL ELSE first_value END, CASE WHEN below THEN NULL ELSE last_value END,
    worst_quality, revision, percent_good_count, percent_good_time, below
  FROM flagged
$$;

-- window_rollup(tag_or_prefix, include_children, window_size_ms, range_start, range_end, bucket_ms):
-- the rollup of one tag (include_children false) or of every tag under a prefix, the prefix itself
-- included (true): 'plant1.area03' takes plant1.area03 and plant1.area03.*, not plant1.area03-x.
--   SELECT * FROM window_rollup('plant1.area03.pump007.pressure', false, 1000,
--     '2026-11-26 10:00Z', '2026-11-26 11:00Z', 60000) ORDER BY window_start;
-- Pass include_children as a constant: PostgreSQL inlines the function and keeps only the branch
-- taken, so an exact tag walks the primary key to the range, and a prefix walks one stretch of it,
-- [prefix, prefix || '/') ('/' follows '.' in byte order), with a filter that drops the neighbours
-- inside it ("prefix-x", "prefix_x" sort between).
CREATE OR REPLACE FUNCTION window_rollup(
  tag_or_prefix text, include_children boolean, window_size_ms integer,
  range_start timestamptz, range_end timestamptz, bucket_ms bigint)
RETURNS TABLE (
  tag text, window_start timestamptz, window_end timestamptz, windows bigint,
  count bigint, good_count bigint, uncertain_count bigint, bad_count bigint,
  sum double precision, min double precision, max double precision, mean double precision,
  stddev double precision, twa double precision, first_value double precision,
  last_value double precision, worst_quality text, revision integer)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
  SELECT tag, window_start, window_end, windows, count, good_count, uncertain_count, bad_count,
    sum, min, max, mean, stddev, twa, first_value, last_value, worst_quality, revision
  FROM window_rollup_core(tag_or_prefix, include_children, window_size_ms, range_start, range_end,
    bucket_ms, 0, NULL, NULL)
$$;
