-- Sluice analytics: calendar rollups in a time zone, percent good, gap filling, plot decimation and
-- data quality, over the stored windows of window_stats. Installed after schema.sql and rollups.sql
-- by the one installer, io.sluice.history.HistorySchema; every statement is idempotent. Each
-- function that merges windows calls window_rollup_core (rollups.sql), the one implementation of
-- the merge math. Every function checks its arguments and raises one line (SQLSTATE 22023, or
-- P0002 for an unknown tag) naming itself; none builds SQL from its arguments. conf/sql/README.md
-- documents each with examples.

-- The most buckets (or plot points) one call returns, and the most stored windows a range may span.
CREATE OR REPLACE FUNCTION window_max_buckets() RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 100000 $$;

CREATE OR REPLACE FUNCTION window_max_windows() RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 100000000::bigint $$;

-- window_check(fn, tag_or_prefix, include_children, window_size_ms, range_start, range_end):
-- raises the one-line message of the first thing wrong, fn naming the caller: a NULL argument, a
-- window size not positive, an empty range, a range of more than window_max_windows() windows, a tag
-- with no stored window of that size (or a prefix with no tag under it).
CREATE OR REPLACE FUNCTION window_check(
  fn text, tag_or_prefix text, include_children boolean, window_size_ms integer,
  range_start timestamptz, range_end timestamptz)
RETURNS void LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
DECLARE
  windows numeric;
BEGIN
  IF tag_or_prefix IS NULL OR include_children IS NULL OR window_size_ms IS NULL
      OR range_start IS NULL OR range_end IS NULL THEN
    RAISE EXCEPTION '%: the tag, window size and range must not be NULL', fn
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF window_size_ms <= 0 THEN
    RAISE EXCEPTION '%: window_size_ms must be positive, not %', fn, window_size_ms
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF range_end <= range_start THEN
    RAISE EXCEPTION '%: empty range: range_end (%) must be after range_start (%)',
      fn, range_end, range_start USING ERRCODE = 'invalid_parameter_value';
  END IF;
  windows := EXTRACT(EPOCH FROM range_end - range_start) * 1000 / window_size_ms;
  IF windows > window_max_windows() THEN
    RAISE EXCEPTION '%: range too large: % windows of % ms, at most %', fn, ceil(windows),
      window_size_ms, window_max_windows() USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF include_children THEN
    IF NOT EXISTS (
        SELECT 1 FROM window_stats s
        WHERE s.tag >= tag_or_prefix COLLATE "C" AND s.tag < (tag_or_prefix || '/') COLLATE "C"
          AND (s.tag = tag_or_prefix OR s.tag >= (tag_or_prefix || '.') COLLATE "C")
          AND s.window_ms = window_size_ms) THEN
      RAISE EXCEPTION '%: unknown prefix %: no tag under it has a stored window of % ms',
        fn, quote_literal(tag_or_prefix), window_size_ms USING ERRCODE = 'no_data_found';
    END IF;
  ELSIF NOT EXISTS (
      SELECT 1 FROM window_stats s WHERE s.tag = tag_or_prefix AND s.window_ms = window_size_ms) THEN
    RAISE EXCEPTION '%: unknown tag % (no stored window of % ms)',
      fn, quote_literal(tag_or_prefix), window_size_ms USING ERRCODE = 'no_data_found';
  END IF;
END
$$;

-- window_check_buckets(fn, window_size_ms, range_start, range_end, bucket_ms): bucket_ms must be a
-- positive whole multiple of the window size, and the range at most window_max_buckets() of them.
CREATE OR REPLACE FUNCTION window_check_buckets(
  fn text, window_size_ms integer, range_start timestamptz, range_end timestamptz,
  bucket_ms bigint)
RETURNS void LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
DECLARE
  buckets numeric;
BEGIN
  IF bucket_ms IS NULL OR bucket_ms <= 0 OR bucket_ms % window_size_ms <> 0 THEN
    RAISE EXCEPTION '%: bucket_ms must be a positive whole multiple of the window size % ms, not %',
      fn, window_size_ms, coalesce(bucket_ms::text, 'NULL') USING ERRCODE = 'invalid_parameter_value';
  END IF;
  -- Epoch-aligned buckets touched by [range_start, range_end).
  buckets := ceil(EXTRACT(EPOCH FROM range_end) * 1000 / bucket_ms)
    - floor(EXTRACT(EPOCH FROM range_start) * 1000 / bucket_ms);
  IF buckets > window_max_buckets() THEN
    RAISE EXCEPTION '%: range too large: % buckets of % ms, at most %',
      fn, buckets, bucket_ms, window_max_buckets() USING ERRCODE = 'invalid_parameter_value';
  END IF;
END
$$;

-- window_check_min_good(fn, min_percent_good): NULL (no threshold) or 0 to 100.
CREATE OR REPLACE FUNCTION window_check_min_good(fn text, min_percent_good double precision)
RETURNS void LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
BEGIN
  IF min_percent_good < 0 OR min_percent_good > 100 OR min_percent_good = 'NaN' THEN
    RAISE EXCEPTION '%: min_percent_good must be 0 to 100 (or NULL for none), not %',
      fn, min_percent_good USING ERRCODE = 'invalid_parameter_value';
  END IF;
END
$$;

-- window_calendar_bounds(fn, range_start, range_end, bucket, tz, window_size_ms): the boundaries,
-- in epoch milliseconds, of the calendar buckets of length bucket in time zone tz that cover
-- [range_start, range_end): the first at or before range_start, the last at or after range_end.
-- Buckets are local wall-clock times: a bucket of months starts on the 1st at 00:00 local, its
-- month a multiple of the months since year 0 (quarters, years); a bucket of days and/or time
-- (no months) is date_bin in local time from Monday 1970-01-05 00:00 local (days and hours as on
-- the wall clock: a day is 23 or 25 hours across a DST change; '7 days' are ISO weeks). A local
-- time that does not exist (spring forward) takes the instant after the gap; a boundary falling
-- on a time that happens twice (fall back) is the later of them, so that local hour is one 2-hour
-- bucket. Each boundary must fall on a window boundary (e.g. hour buckets in Asia/Kathmandu,
-- +05:45, from 1 h windows do not).
CREATE OR REPLACE FUNCTION window_calendar_bounds(
  fn text, range_start timestamptz, range_end timestamptz, bucket interval, tz text,
  window_size_ms integer)
RETURNS bigint[] LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
DECLARE
  months integer;
  local_start timestamp;
  b timestamp;
  instant timestamptz;
  ms bigint;
  bounds bigint[] := '{}';
  n integer := 0;
BEGIN
  IF bucket IS NULL OR tz IS NULL THEN
    RAISE EXCEPTION '%: bucket and tz must not be NULL', fn USING ERRCODE = 'invalid_parameter_value';
  END IF;
  BEGIN
    local_start := range_start AT TIME ZONE tz;
  EXCEPTION WHEN invalid_parameter_value THEN
    RAISE EXCEPTION '%: unknown time zone %', fn, quote_literal(tz)
      USING ERRCODE = 'invalid_parameter_value';
  END;
  months := (EXTRACT(YEAR FROM bucket) * 12 + EXTRACT(MONTH FROM bucket))::integer;
  IF bucket <= interval '0' OR bucket - date_trunc('day', bucket) < interval '0'
      OR EXTRACT(DAY FROM bucket) < 0 OR months < 0
      OR (months > 0 AND bucket <> make_interval(months => months))
      OR (months > 0 AND date_trunc('day', bucket) <> bucket)
      OR (months > 0 AND EXTRACT(DAY FROM bucket) <> 0) THEN
    RAISE EXCEPTION '%: bucket must be a positive interval of months, or of days and time, not %',
      fn, bucket USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF EXTRACT(EPOCH FROM range_end - range_start) / EXTRACT(EPOCH FROM bucket)
      > window_max_buckets() + 2 THEN
    RAISE EXCEPTION '%: range too large: more than % buckets of %', fn, window_max_buckets(),
      bucket USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF months > 0 THEN
    n := (EXTRACT(YEAR FROM local_start) * 12 + EXTRACT(MONTH FROM local_start) - 1)::integer;
    n := n - n % months;
    b := make_timestamp(n / 12, n % 12 + 1, 1, 0, 0, 0);
  ELSE
    b := date_bin(bucket, local_start, timestamp '1970-01-05 00:00');
  END IF;
  -- Around a fall-back change the local bucket start can map past range_start: step back.
  WHILE (b AT TIME ZONE tz) > range_start LOOP
    b := b - bucket;
  END LOOP;
  LOOP
    instant := b AT TIME ZONE tz;
    ms := (EXTRACT(EPOCH FROM instant) * 1000)::bigint;
    IF cardinality(bounds) = 0 OR ms > bounds[cardinality(bounds)] THEN
      IF ms % window_size_ms <> 0 THEN
        RAISE EXCEPTION '%: the bucket boundary % in % is not on a boundary of the % ms windows',
          fn, b, tz, window_size_ms USING ERRCODE = 'invalid_parameter_value';
      END IF;
      bounds := bounds || ms;
      IF cardinality(bounds) > window_max_buckets() + 1 THEN
        RAISE EXCEPTION '%: range too large: more than % buckets of %', fn, window_max_buckets(),
          bucket USING ERRCODE = 'invalid_parameter_value';
      END IF;
    END IF;
    EXIT WHEN instant >= range_end;
    b := b + bucket;
  END LOOP;
  RETURN bounds;
END
$$;

-- window_rollup_good(tag_or_prefix, include_children, window_size_ms, range_start, range_end,
-- bucket_ms, min_percent_good): window_rollup's buckets (epoch-aligned, bucket_ms long) with
-- percent_good_count, percent_good_time and below_min_good; when percent_good_time is below
-- min_percent_good (NULL: no threshold) the value columns are NULL and below_min_good is true.
CREATE OR REPLACE FUNCTION window_rollup_good(
  tag_or_prefix text, include_children boolean, window_size_ms integer,
  range_start timestamptz, range_end timestamptz, bucket_ms bigint,
  min_percent_good double precision DEFAULT NULL)
RETURNS TABLE (
  tag text, window_start timestamptz, window_end timestamptz, windows bigint,
  count bigint, good_count bigint, uncertain_count bigint, bad_count bigint,
  sum double precision, min double precision, max double precision, mean double precision,
  stddev double precision, twa double precision, first_value double precision,
  last_value double precision, worst_quality text, revision integer,
  percent_good_count double precision, percent_good_time double precision, below_min_good boolean)
LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
BEGIN
  PERFORM window_check('window_rollup_good', tag_or_prefix, include_children, window_size_ms,
    range_start, range_end);
  PERFORM window_check_buckets('window_rollup_good', window_size_ms, range_start, range_end,
    bucket_ms);
  PERFORM window_check_min_good('window_rollup_good', min_percent_good);
  IF include_children THEN
    RETURN QUERY SELECT * FROM window_rollup_core(tag_or_prefix, true, window_size_ms,
      range_start, range_end, bucket_ms, 0, NULL, min_percent_good) r
      ORDER BY r.tag, r.window_start;
  ELSE
    RETURN QUERY SELECT * FROM window_rollup_core(tag_or_prefix, false, window_size_ms,
      range_start, range_end, bucket_ms, 0, NULL, min_percent_good) r
      ORDER BY r.tag, r.window_start;
  END IF;
END
$$;

-- window_rollup_calendar(tag_or_prefix, include_children, window_size_ms, range_start, range_end,
-- bucket, tz, min_percent_good): the rollup into calendar buckets of time zone tz
-- (window_calendar_bounds), with the columns of window_rollup_good. A bucket's window_start and
-- window_end are its real instants (a DST day is 23 or 25 hours, and its time-weighted average
-- and percent good by time are over that length).
CREATE OR REPLACE FUNCTION window_rollup_calendar(
  tag_or_prefix text, include_children boolean, window_size_ms integer,
  range_start timestamptz, range_end timestamptz, bucket interval, tz text,
  min_percent_good double precision DEFAULT NULL)
RETURNS TABLE (
  tag text, window_start timestamptz, window_end timestamptz, windows bigint,
  count bigint, good_count bigint, uncertain_count bigint, bad_count bigint,
  sum double precision, min double precision, max double precision, mean double precision,
  stddev double precision, twa double precision, first_value double precision,
  last_value double precision, worst_quality text, revision integer,
  percent_good_count double precision, percent_good_time double precision, below_min_good boolean)
LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
DECLARE
  bounds bigint[];
BEGIN
  PERFORM window_check('window_rollup_calendar', tag_or_prefix, include_children, window_size_ms,
    range_start, range_end);
  PERFORM window_check_min_good('window_rollup_calendar', min_percent_good);
  bounds := window_calendar_bounds('window_rollup_calendar', range_start, range_end, bucket, tz,
    window_size_ms);
  IF include_children THEN
    RETURN QUERY SELECT * FROM window_rollup_core(tag_or_prefix, true, window_size_ms,
      range_start, range_end, NULL, NULL, bounds, min_percent_good) r
      ORDER BY r.tag, r.window_start;
  ELSE
    RETURN QUERY SELECT * FROM window_rollup_core(tag_or_prefix, false, window_size_ms,
      range_start, range_end, NULL, NULL, bounds, min_percent_good) r
      ORDER BY r.tag, r.window_start;
  END IF;
END
$$;

-- window_gapfill(tag, window_size_ms, range_start, range_end, bucket_ms, fill): every epoch-aligned
-- bucket of the range, with or without data, its mean and twa (window_rollup's) filled where it has
-- none: fill 'null' leaves them NULL; 'previous' carries the last bucket with data forward (LOCF),
-- from before the range too; 'linear' interpolates each of them on the bucket starts between the
-- buckets with data before and after, from beyond the range too, NULL where one side has none.
CREATE OR REPLACE FUNCTION window_gapfill(
  tag text, window_size_ms integer, range_start timestamptz, range_end timestamptz,
  bucket_ms bigint, fill text)
RETURNS TABLE (
  window_start timestamptz, window_end timestamptz, windows bigint, count bigint,
  mean double precision, twa double precision, filled boolean)
LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
DECLARE
  start_ms bigint;
  end_ms bigint;
  before_ms bigint;
  after_ms bigint;
BEGIN
  PERFORM window_check('window_gapfill', tag, false, window_size_ms, range_start, range_end);
  PERFORM window_check_buckets('window_gapfill', window_size_ms, range_start, range_end, bucket_ms);
  IF fill IS NULL OR fill NOT IN ('null', 'previous', 'linear') THEN
    RAISE EXCEPTION 'window_gapfill: fill must be ''null'', ''previous'' or ''linear'', not %',
      coalesce(quote_literal(fill), 'NULL') USING ERRCODE = 'invalid_parameter_value';
  END IF;
  start_ms := floor(EXTRACT(EPOCH FROM range_start) * 1000 / bucket_ms)::bigint * bucket_ms;
  end_ms := (EXTRACT(EPOCH FROM range_end) * 1000)::bigint;
  -- The buckets of the nearest windows outside the range, when the fill needs them.
  IF fill <> 'null' THEN
    SELECT floor(EXTRACT(EPOCH FROM s.window_start) * 1000 / bucket_ms)::bigint * bucket_ms
      INTO before_ms FROM window_stats s
      WHERE s.tag = window_gapfill.tag AND s.window_ms = window_size_ms
        AND s.window_start < range_start
      ORDER BY s.window_start DESC LIMIT 1;
  END IF;
  IF fill = 'linear' THEN
    SELECT floor(EXTRACT(EPOCH FROM s.window_start) * 1000 / bucket_ms)::bigint * bucket_ms
      INTO after_ms FROM window_stats s
      WHERE s.tag = window_gapfill.tag AND s.window_ms = window_size_ms
        AND s.window_start >= range_end
      ORDER BY s.window_start LIMIT 1;
  END IF;
  RETURN QUERY
  WITH data AS (
    SELECT r.window_start, r.windows, r.count, r.mean, r.twa
    FROM window_rollup_core(tag, false, window_size_ms, range_start, range_end, bucket_ms, 0,
      NULL, NULL) r
  ), outside AS (
    -- The bucket before the range (only its part before range_start) and the one after it.
    SELECT r.window_start, r.mean, r.twa FROM window_rollup_core(tag, false, window_size_ms,
      to_timestamp(0) + before_ms * interval '1 millisecond',
      least(range_start, to_timestamp(0) + (before_ms + bucket_ms) * interval '1 millisecond'),
      bucket_ms, 0, NULL, NULL) r
    WHERE before_ms IS NOT NULL
    UNION ALL
    SELECT r.window_start, r.mean, r.twa FROM window_rollup_core(tag, false, window_size_ms,
      greatest(range_end, to_timestamp(0) + after_ms * interval '1 millisecond'),
      to_timestamp(0) + (after_ms + bucket_ms) * interval '1 millisecond',
      bucket_ms, 0, NULL, NULL) r
    WHERE after_ms IS NOT NULL
  ), buckets AS (
    SELECT to_timestamp(0) + b * interval '1 millisecond' AS bucket_start, true AS inside
    FROM generate_series(start_ms, end_ms - 1, bucket_ms) b
  ), series AS (
    SELECT b.bucket_start, b.inside, d.windows, d.count, d.mean, d.twa
    FROM buckets b LEFT JOIN data d ON d.window_start = b.bucket_start
    UNION ALL
    SELECT o.window_start, false, NULL, NULL, o.mean, o.twa FROM outside o
  ), grouped AS (
    -- Each bucket's run: the number of buckets with data up to it (from the start, from the end).
    SELECT s.*,
      count(s.mean) OVER (ORDER BY s.bucket_start) AS run_up,
      count(s.mean) OVER (ORDER BY s.bucket_start DESC) AS run_down
    FROM series s
  ), neighbours AS (
    SELECT g.*,
      first_value(g.bucket_start) OVER up AS prev_start,
      first_value(g.mean) OVER up AS prev_mean,
      first_value(g.twa) OVER up AS prev_twa,
      first_value(g.bucket_start) OVER down AS next_start,
      first_value(g.mean) OVER down AS next_mean,
      first_value(g.twa) OVER down AS next_twa
    FROM grouped g
    WINDOW up AS (PARTITION BY g.run_up ORDER BY g.bucket_start),
      down AS (PARTITION BY g.run_down ORDER BY g.bucket_start DESC)
  )
  SELECT n.bucket_start, n.bucket_start + bucket_ms * interval '1 millisecond',
    coalesce(n.windows, 0), coalesce(n.count, 0),
    CASE WHEN n.mean IS NOT NULL OR fill = 'null' THEN n.mean
      WHEN fill = 'previous' THEN n.prev_mean
      ELSE n.prev_mean + (n.next_mean - n.prev_mean)
        * (EXTRACT(EPOCH FROM n.bucket_start - n.prev_start)
          / EXTRACT(EPOCH FROM n.next_start - n.prev_start))::double precision END,
    CASE WHEN n.twa IS NOT NULL OR fill = 'null' THEN n.twa
      WHEN fill = 'previous' THEN n.prev_twa
      ELSE n.prev_twa + (n.next_twa - n.prev_twa)
        * (EXTRACT(EPOCH FROM n.bucket_start - n.prev_start)
          / EXTRACT(EPOCH FROM n.next_start - n.prev_start))::double precision END,
    n.mean IS NULL AND fill <> 'null'
      AND (fill = 'previous' AND n.run_up > 0 OR n.run_up > 0 AND n.run_down > 0)
  FROM neighbours n WHERE n.inside ORDER BY n.bucket_start;
END
$$;

-- window_decimate(tag, window_size_ms, range_start, range_end, points): at most points rows for a
-- plot of the range: buckets of ceil(range / points) rounded up to a whole multiple of the window
-- size, aligned to range_start (rounded down to a window boundary), each with the first, last,
-- lowest and highest reading (PI's plot values) and the count; buckets without data are left out.
CREATE OR REPLACE FUNCTION window_decimate(
  tag text, window_size_ms integer, range_start timestamptz, range_end timestamptz,
  points integer)
RETURNS TABLE (
  window_start timestamptz, window_end timestamptz, count bigint, first_value double precision,
  last_value double precision, min double precision, max double precision)
LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
DECLARE
  origin_ms bigint;
  span_ms bigint;
  bucket_ms bigint;
BEGIN
  PERFORM window_check('window_decimate', tag, false, window_size_ms, range_start, range_end);
  IF points IS NULL OR points < 1 OR points > window_max_buckets() THEN
    RAISE EXCEPTION 'window_decimate: points must be 1 to %, not %', window_max_buckets(),
      coalesce(points::text, 'NULL') USING ERRCODE = 'invalid_parameter_value';
  END IF;
  origin_ms := floor(EXTRACT(EPOCH FROM range_start) * 1000 / window_size_ms)::bigint
    * window_size_ms;
  span_ms := ceil(EXTRACT(EPOCH FROM range_end) * 1000)::bigint - origin_ms;
  bucket_ms := (span_ms + points - 1) / points;
  bucket_ms := (bucket_ms + window_size_ms - 1) / window_size_ms * window_size_ms;
  RETURN QUERY
  SELECT r.window_start, r.window_end, r.count, r.first_value, r.last_value, r.min, r.max
  FROM window_rollup_core(tag, false, window_size_ms, range_start, range_end, bucket_ms,
    origin_ms, NULL, NULL) r
  ORDER BY r.window_start;
END
$$;

-- window_gaps(tag, window_size_ms, range_start, range_end, min_gap): the stretches of
-- [range_start, range_end) that no stored window covers, longer than min_gap, the range's start and
-- end included (a range that starts in a gap starts with one).
CREATE OR REPLACE FUNCTION window_gaps(
  tag text, window_size_ms integer, range_start timestamptz, range_end timestamptz,
  min_gap interval)
RETURNS TABLE (gap_start timestamptz, gap_end timestamptz, gap_ms bigint)
LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
BEGIN
  PERFORM window_check('window_gaps', tag, false, window_size_ms, range_start, range_end);
  IF min_gap IS NULL OR min_gap < interval '0' THEN
    RAISE EXCEPTION 'window_gaps: min_gap must be 0 or more, not %', coalesce(min_gap::text, 'NULL')
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  RETURN QUERY
  WITH covered AS (
    -- The windows that reach into the range (one may start before it), and the range's end.
    SELECT s.window_start AS s, s.window_end AS e FROM window_stats s
    WHERE s.tag = window_gaps.tag AND s.window_ms = window_size_ms
      AND s.window_start >= range_start - window_size_ms * interval '1 millisecond'
      AND s.window_start < range_end AND s.window_end > range_start
    UNION ALL
    SELECT range_end, range_end
  ), edges AS (
    SELECT greatest(coalesce(lag(c.e) OVER (ORDER BY c.s), range_start), range_start) AS from_ts,
      least(c.s, range_end) AS to_ts
    FROM covered c
  )
  SELECT g.from_ts, g.to_ts, (EXTRACT(EPOCH FROM g.to_ts - g.from_ts) * 1000)::bigint
  FROM edges g WHERE g.to_ts - g.from_ts > min_gap ORDER BY g.from_ts;
END
$$;

-- window_quality(tag_or_prefix, include_children, window_size_ms, range_start, range_end, min_gap):
-- per tag (every tag with a stored window of that size, under the prefix or the one tag): the
-- stored windows and readings of the range, the shares of bad and uncertain readings (percent), the
-- stretches without data longer than min_gap (window_gaps) and their total length, and the late
-- readings and dead letters of reading_faults counted against the tag in every minute the range touches.
CREATE OR REPLACE FUNCTION window_quality(
  tag_or_prefix text, include_children boolean, window_size_ms integer,
  range_start timestamptz, range_end timestamptz, min_gap interval DEFAULT interval '1 minute')
RETURNS TABLE (
  tag text, windows bigint, count bigint, good_count bigint, uncertain_count bigint,
  bad_count bigint, percent_good double precision, percent_uncertain double precision,
  percent_bad double precision, percent_good_time double precision, gaps bigint, gap_ms bigint,
  late_readings bigint, dead_letters bigint)
LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
DECLARE
  bounds bigint[];
BEGIN
  PERFORM window_check('window_quality', tag_or_prefix, include_children, window_size_ms,
    range_start, range_end);
  IF min_gap IS NULL OR min_gap < interval '0' THEN
    RAISE EXCEPTION 'window_quality: min_gap must be 0 or more, not %',
      coalesce(min_gap::text, 'NULL') USING ERRCODE = 'invalid_parameter_value';
  END IF;
  -- One bucket, the range.
  bounds := ARRAY[(EXTRACT(EPOCH FROM range_start) * 1000)::bigint,
    (EXTRACT(EPOCH FROM range_end) * 1000)::bigint];
  RETURN QUERY
  WITH RECURSIVE tags AS (
    -- The distinct tags, one index probe each (a loose index scan of the primary key).
    SELECT min(s.tag) AS tag FROM window_stats s
    WHERE CASE WHEN include_children
        THEN s.tag >= tag_or_prefix COLLATE "C" AND s.tag < (tag_or_prefix || '/') COLLATE "C"
        ELSE s.tag = tag_or_prefix END
    UNION ALL
    SELECT (SELECT min(s.tag) FROM window_stats s
      WHERE s.tag > t.tag AND s.tag < (tag_or_prefix || '/') COLLATE "C")
    FROM tags t WHERE t.tag IS NOT NULL AND include_children
  ), chosen AS (
    SELECT t.tag FROM tags t
    WHERE t.tag IS NOT NULL
      AND (t.tag = tag_or_prefix OR t.tag >= (tag_or_prefix || '.') COLLATE "C")
      AND EXISTS (SELECT 1 FROM window_stats s WHERE s.tag = t.tag AND s.window_ms = window_size_ms)
  ), merged AS (
    SELECT * FROM window_rollup_core(tag_or_prefix, true, window_size_ms, range_start, range_end,
      NULL, NULL, bounds, NULL) WHERE include_children
    UNION ALL
    SELECT * FROM window_rollup_core(tag_or_prefix, false, window_size_ms, range_start, range_end,
      NULL, NULL, bounds, NULL) WHERE NOT include_children
  )
  SELECT c.tag, coalesce(m.windows, 0), coalesce(m.count, 0), coalesce(m.good_count, 0),
    coalesce(m.uncertain_count, 0), coalesce(m.bad_count, 0),
    m.percent_good_count,
    100 * m.uncertain_count / m.count::double precision,
    100 * m.bad_count / m.count::double precision,
    coalesce(m.percent_good_time, 0),
    g.gaps, g.gap_ms, coalesce(f.late, 0), coalesce(f.dead, 0)
  FROM chosen c
  LEFT JOIN merged m ON m.tag = c.tag
  CROSS JOIN LATERAL (
    SELECT count(*) AS gaps, coalesce(sum(x.gap_ms), 0)::bigint AS gap_ms
    FROM window_gaps(c.tag, window_size_ms, range_start, range_end, min_gap) x) g
  LEFT JOIN LATERAL (
    SELECT sum(rf.late_count)::bigint AS late, sum(rf.dead_letter_count)::bigint AS dead
    FROM reading_faults rf
    -- every minute the range touches: counts are per minute, a range need not start on one
    WHERE rf.source = c.tag AND rf.minute > range_start - interval '1 minute'
      AND rf.minute < range_end) f ON true
  ORDER BY c.tag;
END
$$;
