/*
 * The Sluice operators' dashboard (issue 5): a tag browser, live charts (each window's min-max band
 * and mean), the latest values, and the connection's state. See websocket-sink/docs/dashboard.md.
 *
 * Data flow: every scada.data.received message of the all-groups channel updates the model at once
 * (a few map writes per tag); the DOM and the charts are touched only in the animation frame, and
 * only for what is visible: dirty charts in view, the table rows in view, the tree at most once a
 * second while new tags appear.
 *
 * A chart is keyed by window start: it first loads the last MAX_POINTS windows from the history
 * API, buffering the live points that arrive meanwhile, then merges the history rows, the tag's
 * recent live points and the buffer; a point whose window start is already there replaces it when
 * its revision is not older (a late revision, or the same window again: window-version.js), so the
 * seam has no gap and no duplicate.
 *
 * The range picker: 5 min draws the stored windows themselves; 1 hour, 1 day and 7 days draw about
 * PLOT_POINTS plot values of the history API (points=N: each bucket's min, max and last value), and
 * the live windows go on from the end of them. Changing it reloads every chart.
 */
(function () {
  'use strict';

  const MAX_POINTS = 600;        // per chart: 10 minutes of 1 s windows
  const PLOT_POINTS = 1000;      // plot values of a long range
  const RANGES = { '5m': 300000, '1h': 3600000, '1d': 86400000, '7d': 604800000 };
  const RECENT_POINTS = 120;     // per tag, kept since connecting, to close a chart's seam
  const TREE_REFRESH_MS = 1000;  // the tree is redrawn at most this often while tags appear
  const TABLE_REFRESH_MS = 250;  // the visible table rows, at most this often
  const STATUS_REFRESH_MS = 250;
  const RATE_SPAN_MS = 5000;     // rates over the last 5 s
  const MAX_TREE_MATCHES = 400;  // leaves shown for a filter
  const GAP_RETRIES = 3;         // history refetches of a seam gap (the database may lag the stream)
  const GAP_RETRY_MS = 2000;
  const ROW_H = 22;
  const CHART_BUDGET_MS = 8;     // chart drawing per animation frame

  // The figures of an update, in the contract's order (conf/samples/updates/README.md).
  const F_N = 0, F_MIN = 1, F_MAX = 2, F_MEAN = 3, F_LAST = 6, F_Q = 7, F_R = 8;
  const QUALITY = ['good', 'uncertain', 'bad'];

  const model = {
    config: null,
    tags: new Map(),          // full tag -> Tag
    sorted: [],               // full tags in order, rebuilt when new ones appear
    sortedStale: false,
    charts: new Map(),        // full tag -> Chart
    lastId: null,             // the newest stream id seen: the resume point
    state: 'connecting',
    resuming: false,
    lastUpdate: 0,            // local time of the last update
    lastWindow: 0,            // newest window start seen
    messages: 0,
    snapshots: 0,
    tagUpdates: 0,
    frames: 0,
    rateSamples: [],          // [time, messages, tagUpdates]
    msgRate: 0,
    tagRate: 0,
    treeDirty: true,
    tableDirty: true,
    filter: '',
    range: '5m',              // the range picker's choice
    open: new Set(),          // open tree paths
    client: null,
  };

  /** One tag's latest window and a few recent ones. */
  class Tag {
    constructor(full) {
      this.full = full;
      this.s = -1;            // window start of the latest figures
      this.f = null;          // the latest figures
      this.recent = new Series(RECENT_POINTS);
    }
  }

  /** Points keyed and ordered by window start; a point with a known start replaces it (revision). */
  class Series {
    constructor(cap) {
      this.cap = cap;
      this.xs = [];
      this.mins = [];
      this.maxs = [];
      this.means = [];
      this.revs = [];
    }

    /** Adds or replaces the point of window start s; true when the series changed. */
    put(s, min, max, mean, r) {
      const xs = this.xs;
      let i = xs.length;
      if (i > 0 && xs[i - 1] >= s) {
        let lo = 0, hi = i; // first index with xs[index] >= s
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (xs[mid] < s) lo = mid + 1; else hi = mid;
        }
        i = lo;
        if (xs[i] === s) {
          if (!WindowVersion.supersedes(s, r, xs[i], this.revs[i])) {
            return false; // an older revision of what we have
          }
          this.mins[i] = min; this.maxs[i] = max; this.means[i] = mean; this.revs[i] = r;
          return true;
        }
        if (i === 0 && xs.length >= this.cap) {
          return false; // older than everything kept
        }
        xs.splice(i, 0, s); this.mins.splice(i, 0, min); this.maxs.splice(i, 0, max);
        this.means.splice(i, 0, mean); this.revs.splice(i, 0, r);
      } else {
        xs.push(s); this.mins.push(min); this.maxs.push(max); this.means.push(mean); this.revs.push(r);
      }
      if (xs.length > this.cap) {
        const cut = xs.length - this.cap;
        xs.splice(0, cut); this.mins.splice(0, cut); this.maxs.splice(0, cut);
        this.means.splice(0, cut); this.revs.splice(0, cut);
      }
      return true;
    }

    putAll(other) {
      for (let i = 0; i < other.xs.length; i++) {
        this.put(other.xs[i], other.mins[i], other.maxs[i], other.means[i], other.revs[i]);
      }
    }

    get length() {
      return this.xs.length;
    }
  }

  // ---- charts ---------------------------------------------------------------------------------

  const dirtyCharts = new Set();
  const resizedCharts = new Set();

  class Chart {
    constructor(tag) {
      this.tag = tag;
      this.series = new Series(PLOT_POINTS + MAX_POINTS);
      this.pending = new Series(MAX_POINTS); // live points during the backfill
      this.phase = 'backfill';
      this.visible = true;
      this.dirtySince = 0;
      this.closed = false;
      this.el = document.createElement('div');
      this.el.className = 'chart';
      this.el.dataset.tag = tag;
      this.el.innerHTML = '<div class="title"><span><span class="name"></span><span class="state"></span></span>'
        + '<button title="close" data-close="1">×</button></div><div class="plot"></div>';
      this.el.querySelector('.name').textContent = tag;
      this.stateEl = this.el.querySelector('.state');
      document.getElementById('charts').appendChild(this.el);
      this.u = new uPlot(plotOptions(this.width()), [[], [], [], []], this.el.querySelector('.plot'));
      visibility.observe(this.el);
      sizes.observe(this.el);
      this.setState('loading history…');
      this.backfill();
    }

    width() {
      return Math.max(300, this.el.clientWidth - 10);
    }

    setState(text) {
      this.stateEl.textContent = text ? ' ' + text : '';
    }

    /** A live point: buffered while the history loads, else merged. */
    live(s, f) {
      if (this.phase === 'backfill') {
        this.pending.put(s, f[F_MIN], f[F_MAX], f[F_MEAN], f[F_R]);
      } else if (this.series.put(s, f[F_MIN], f[F_MAX], f[F_MEAN], f[F_R])) {
        this.markDirty();
      }
    }

    markDirty() {
      if (!this.dirtySince) {
        this.dirtySince = performance.now();
      }
      dirtyCharts.add(this);
    }

    /** Draws the chart again for the range picker's new choice. */
    reload() {
      this.generation = (this.generation || 0) + 1;
      this.series = new Series(PLOT_POINTS + MAX_POINTS);
      this.pending = new Series(MAX_POINTS);
      this.phase = 'backfill';
      this.setState('loading history…');
      this.backfill();
    }

    async backfill() {
      const cfg = model.config;
      const w = cfg.windowMs;
      const generation = this.generation;
      const plot = model.range !== '5m';
      let rows = [];
      let note = '';
      if (cfg.historyPath) {
        const to = Math.floor(Date.now() / w) * w + 60 * w; // past the newest window, whatever the clocks
        const from = to - RANGES[model.range];
        try {
          rows = await history(this.tag, from, to, plot ? PLOT_POINTS : 0);
        } catch (e) {
          note = 'history unavailable: ' + e.message;
        }
      }
      if (this.closed || generation !== this.generation) {
        return; // closed, or the range changed meanwhile
      }
      if (plot) {
        // Plot values: a bucket's min, max and last value, revision -1 so a live window at the same
        // start replaces it; the live windows go on after the last bucket.
        for (const row of rows) {
          this.series.put(row.window_start, row.min, row.max, row.last_value, -1);
        }
        this.series.putAll(this.pending);
        this.pending = null;
        this.phase = 'live';
        this.setState(note);
        this.markDirty();
        return;
      }
      // Live first, then history: at the same window and revision the stored row wins (its mean is
      // exact, the live one rounded); a later revision wins whichever side it came from.
      const t = model.tags.get(this.tag);
      if (t) {
        this.series.putAll(t.recent);
      }
      this.series.putAll(this.pending);
      this.pending = null;
      for (const row of rows) {
        this.series.put(row.window_start, row.min, row.max, row.mean, row.revision);
      }
      const lastHistory = rows.length ? rows[rows.length - 1].window_start : null;
      this.phase = 'live';
      this.setState(note);
      this.markDirty();
      if (lastHistory !== null) {
        this.closeGap(lastHistory, GAP_RETRIES);
      }
    }

    /**
     * The history may lag the stream (the job writes PostgreSQL in batches): when the first point
     * after the backfill is more than a window later, ask the history for the windows between.
     */
    closeGap(after, retries) {
      const w = model.config.windowMs;
      const xs = this.series.xs;
      const i = xs.indexOf(after);
      if (i < 0 || i + 1 >= xs.length || xs[i + 1] - after <= w || retries <= 0) {
        return;
      }
      const until = xs[i + 1];
      setTimeout(async () => {
        if (this.closed) {
          return;
        }
        try {
          const rows = await history(this.tag, after + w, until);
          let changed = false;
          for (const row of rows) {
            changed = this.series.put(row.window_start, row.min, row.max, row.mean, row.revision) || changed;
          }
          if (changed) {
            this.markDirty();
          }
          const last = rows.length ? rows[rows.length - 1].window_start : after;
          this.closeGap(last, rows.length ? GAP_RETRIES : retries - 1);
        } catch (e) {
          this.closeGap(after, retries - 1);
        }
      }, GAP_RETRY_MS);
    }

    /** After a reconnect that could not resume: fetch what the stream no longer had. */
    refill() {
      const w = model.config.windowMs;
      const xs = this.series.xs;
      if (this.phase !== 'live' || !xs.length || !model.config.historyPath) {
        return;
      }
      const from = xs[xs.length - 1] + w;
      const to = Math.floor(Date.now() / w) * w + 60 * w;
      history(this.tag, from, to).then((rows) => {
        for (const row of rows) {
          this.series.put(row.window_start, row.min, row.max, row.mean, row.revision);
        }
        this.markDirty();
      }).catch(() => {});
    }

    render() {
      this.dirtySince = 0;
      const s = this.series;
      this.u.setData([s.xs, s.mins, s.maxs, s.means]);
    }

    close() {
      this.closed = true;
      visibility.unobserve(this.el);
      sizes.unobserve(this.el);
      resizedCharts.delete(this);
      dirtyCharts.delete(this);
      this.u.destroy();
      this.el.remove();
    }
  }

  function plotOptions(width) {
    const axis = { stroke: '#8a97a5', grid: { stroke: '#2a3440', width: 1 }, ticks: { stroke: '#2a3440', width: 1 } };
    return {
      width: width,
      height: 170,
      ms: 1, // x values are epoch milliseconds
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      scales: { x: { time: true } },
      series: [
        {},
        { label: 'min', stroke: 'rgba(88,166,255,0.45)', width: 1, points: { show: false } },
        { label: 'max', stroke: 'rgba(88,166,255,0.45)', width: 1, points: { show: false } },
        { label: 'mean', stroke: '#58a6ff', width: 1.5, points: { show: false } },
      ],
      bands: [{ series: [2, 1], fill: 'rgba(88,166,255,0.18)' }],
      axes: [
        Object.assign({ values: (u, splits) => splits.map((v) => time(v)) }, axis),
        Object.assign({ size: 60 }, axis),
      ],
    };
  }

  /** Charts scrolled out of view are not redrawn; they are drawn when they come back. */
  const visibility = new IntersectionObserver((entries) => {
    for (const e of entries) {
      const c = model.charts.get(e.target.dataset.tag);
      if (c) {
        c.visible = e.isIntersecting;
        if (c.visible && c.dirtySince === 0) {
          c.markDirty();
        }
      }
    }
  });

  /** A card changes width when the grid reflows (a chart added or closed, the window resized). */
  const sizes = new ResizeObserver((entries) => {
    for (const e of entries) {
      const c = model.charts.get(e.target.dataset.tag);
      if (c) resizedCharts.add(c);
    }
  });

  function toggleChart(tag) {
    const c = model.charts.get(tag);
    if (c) {
      c.close();
      model.charts.delete(tag);
    } else {
      model.charts.set(tag, new Chart(tag));
    }
    document.getElementById('no-charts').style.display = model.charts.size ? 'none' : '';
    model.treeDirty = true;
    lastTreeRender = 0;
  }

  /** The stored windows of a range; with points > 0, that many plot values of it at most. */
  async function history(tag, from, to, points) {
    const cfg = model.config;
    const url = cfg.historyPath + '?tag=' + encodeURIComponent(tag) + '&from=' + from + '&to=' + to
      + '&window=' + cfg.windowMs + 'ms'
      + (points ? '&points=' + points + '&limit=' + points : '&limit=' + (MAX_POINTS + 60));
    const response = await fetch(url, { headers: { Accept: 'application/json' } });
    if (!response.ok) {
      let message = 'HTTP ' + response.status;
      try {
        message = (await response.json()).error || message;
      } catch (e) { /* not JSON */ }
      throw new Error(message);
    }
    return (await response.json()).rows;
  }

  // ---- the updates ----------------------------------------------------------------------------

  /** Stream ids are "ms-seq": compare as two numbers. */
  function newerId(a, b) {
    if (!b) return true;
    const da = a.indexOf('-'), db = b.indexOf('-');
    const ma = +a.slice(0, da), mb = +b.slice(0, db);
    return ma !== mb ? ma > mb : +a.slice(da + 1) > +b.slice(db + 1);
  }

  function onUpdate(event, text) {
    if (event !== model.config.event) {
      return;
    }
    let d;
    try {
      d = JSON.parse(text);
    } catch (e) {
      return;
    }
    model.messages++;
    if (d.snapshot) {
      model.snapshots++;
      if (model.resuming) {
        // the server could not resume (the stream was trimmed): refill the charts from history
        model.resuming = false;
        model.charts.forEach((c) => c.refill());
      }
    }
    if (d.id && d.id !== '0-0' && newerId(d.id, model.lastId)) {
      model.lastId = d.id;
    }
    const s = d.s;
    const group = d.g;
    const t = d.t || {};
    for (const name in t) {
      const f = t[name];
      if (!f) continue;
      const full = name ? group + '.' + name : group;
      let tag = model.tags.get(full);
      if (!tag) {
        tag = new Tag(full);
        model.tags.set(full, tag);
        addToTree(full);
        model.sortedStale = true;
        model.treeDirty = true;
      }
      model.tagUpdates++;
      if (tag.f === null || WindowVersion.supersedes(s, f[F_R], tag.s, tag.f[F_R])) {
        tag.s = s;
        tag.f = f;
      }
      tag.recent.put(s, f[F_MIN], f[F_MAX], f[F_MEAN], f[F_R]);
      const chart = model.charts.get(full);
      if (chart) {
        chart.live(s, f);
      }
    }
    if (s > model.lastWindow) model.lastWindow = s;
    model.lastUpdate = Date.now();
    model.tableDirty = true;
  }

  // ---- the tag tree ---------------------------------------------------------------------------

  const root = { name: '', path: '', children: new Map(), tag: null, count: 0 };

  function addToTree(full) {
    const parts = full.split('.');
    let node = root;
    node.count++;
    let path = '';
    for (const part of parts) {
      path = path ? path + '.' + part : part;
      let child = node.children.get(part);
      if (!child) {
        child = { name: part, path: path, children: new Map(), tag: null, count: 0 };
        node.children.set(part, child);
      }
      child.count++;
      node = child;
    }
    node.tag = full;
  }

  function esc(s) {
    return String(s).replace(/[&<>"']/g, (c) => '&#' + c.charCodeAt(0) + ';');
  }

  function sortedChildren(node) {
    return Array.from(node.children.values()).sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
  }

  let lastTreeRender = 0;

  function renderTree() {
    model.treeDirty = false;
    const out = [];
    const filter = model.filter;
    let shown = 0;
    let hidden = 0;
    // With a filter: the nodes on the way to a matching tag, all open.
    const keep = filter ? new Set() : null;
    if (filter) {
      for (const full of sortedTags()) {
        if (full.toLowerCase().includes(filter)) {
          if (shown >= MAX_TREE_MATCHES) {
            hidden++;
            continue;
          }
          shown++;
          const parts = full.split('.');
          let p = '';
          for (const part of parts) {
            p = p ? p + '.' + part : part;
            keep.add(p);
          }
        }
      }
    }
    const walk = (node) => {
      out.push('<ul>');
      for (const child of sortedChildren(node)) {
        if (keep && !keep.has(child.path)) continue;
        const isOpen = keep ? true : model.open.has(child.path);
        out.push('<li>');
        if (child.children.size) {
          out.push('<span class="node branch' + (isOpen ? ' open' : '') + '" data-path="' + esc(child.path) + '">'
            + esc(child.name) + '<span class="count">' + child.count + '</span></span>');
        }
        if (child.tag !== null && (!keep || child.tag.toLowerCase().includes(filter))) {
          out.push('<span class="node leaf' + (model.charts.has(child.tag) ? ' charted' : '') + '" data-tag="'
            + esc(child.tag) + '">' + (child.children.size ? '• ' : '') + esc(child.name) + '</span>');
        }
        if (child.children.size && isOpen) {
          walk(child);
        }
        out.push('</li>');
      }
      out.push('</ul>');
    };
    walk(root);
    if (hidden) {
      out.push('<div class="more">' + hidden + ' more matches: narrow the filter</div>');
    }
    if (!root.count) {
      out.push('<div class="more">waiting for data…</div>');
    }
    document.getElementById('tree').innerHTML = out.join('');
    lastTreeRender = performance.now();
  }

  function sortedTags() {
    if (model.sortedStale) {
      model.sorted = Array.from(model.tags.keys()).sort();
      model.sortedStale = false;
      tableRowsStale = true;
    }
    return model.sorted;
  }

  // ---- the latest-values table (virtual: only the rows in view exist) -------------------------

  const rowPool = [];
  let tableRows = [];          // the tags listed, filtered
  let tableRowsStale = true;
  let lastTableRender = 0;

  function renderTable() {
    const table = document.getElementById('table');
    const spacer = document.getElementById('table-spacer');
    if (tableRowsStale) {
      const all = sortedTags();
      tableRows = model.filter ? all.filter((t) => t.toLowerCase().includes(model.filter)) : all;
      spacer.style.height = (tableRows.length * ROW_H) + 'px';
      tableRowsStale = false;
    }
    const first = Math.floor(table.scrollTop / ROW_H);
    const count = Math.min(tableRows.length - first, Math.ceil(table.clientHeight / ROW_H) + 1);
    while (rowPool.length < count) {
      const row = document.createElement('div');
      row.className = 'row';
      row.innerHTML = '<span></span><span></span><span></span><span></span><span></span><span></span><span></span>';
      row.cells = Array.from(row.children);
      row.shown = [];
      table.appendChild(row);
      rowPool.push(row);
    }
    for (let i = 0; i < rowPool.length; i++) {
      const row = rowPool[i];
      if (i >= count) {
        if (row.style.display !== 'none') row.style.display = 'none';
        continue;
      }
      const index = first + i;
      const tag = model.tags.get(tableRows[index]);
      const f = tag.f;
      const values = [tag.full, num(f[F_LAST]), num(f[F_MIN]), num(f[F_MAX]), num(f[F_MEAN]), String(f[F_N]), time(tag.s)];
      row.style.display = '';
      row.style.top = (index * ROW_H) + 'px';
      row.dataset.tag = tag.full;
      const cls = 'row q' + (f[F_Q] | 0);
      if (row.className !== cls) {
        row.className = cls;
        row.title = QUALITY[f[F_Q] | 0] || '';
      }
      for (let c = 0; c < values.length; c++) {
        if (row.shown[c] !== values[c]) {
          row.cells[c].textContent = values[c];
          row.shown[c] = values[c];
        }
      }
    }
    model.tableDirty = false;
    lastTableRender = performance.now();
  }

  function num(v) {
    if (v === null || v === undefined) return '—';
    const a = Math.abs(v);
    return a !== 0 && (a >= 1e6 || a < 1e-3) ? v.toExponential(3) : String(+v.toPrecision(6));
  }

  function time(ms) {
    if (ms < 0) return '—';
    const d = new Date(ms);
    return d.toLocaleTimeString([], { hour12: false });
  }

  // ---- the status bar -------------------------------------------------------------------------

  let lastStatusRender = 0;
  const statusEls = {};

  function renderStatus(now) {
    lastStatusRender = now;
    const wall = Date.now();
    const samples = model.rateSamples;
    samples.push([wall, model.messages, model.tagUpdates]);
    while (samples.length > 2 && wall - samples[0][0] > RATE_SPAN_MS) samples.shift();
    const oldest = samples[0];
    const span = (wall - oldest[0]) / 1000;
    if (span > 0.5) {
      model.msgRate = (model.messages - oldest[1]) / span;
      model.tagRate = (model.tagUpdates - oldest[2]) / span;
    }
    setText('last-update', model.lastUpdate ? new Date(model.lastUpdate).toLocaleTimeString([], { hour12: false })
      + (model.lastWindow ? ' (window ' + time(model.lastWindow) + ')' : '') : '—');
    setText('tag-count', String(model.tags.size));
    setText('points', String(model.tagUpdates));
    setText('msg-rate', model.msgRate.toFixed(1));
    setText('tag-rate', model.tagRate.toFixed(0));
  }

  function setText(id, text) {
    const el = statusEls[id] || (statusEls[id] = document.getElementById(id));
    if (el.textContent !== text) el.textContent = text;
  }

  function setConnection(state, detail) {
    model.state = state;
    const el = document.getElementById('conn');
    el.className = 'conn ' + state;
    let text = state;
    if (state === 'disconnected' && detail && detail.retryInMs !== undefined) {
      text += ' — retry in ' + Math.ceil(detail.retryInMs / 1000) + ' s';
    } else if (state === 'failed' && detail) {
      text += ' — ' + (detail.reason || detail.code);
    }
    el.textContent = text;
    if (state === 'connected' && model.lastId) {
      model.resuming = true; // subscribing again with last_id
    }
  }

  function notice(text) {
    document.getElementById('notice').textContent = text || '';
  }

  // ---- the frame loop -------------------------------------------------------------------------

  function frame(now) {
    model.frames++;
    if (resizedCharts.size) {
      for (const c of resizedCharts) {
        const width = c.width();
        if (width !== c.u.width) {
          c.u.setSize({ width: width, height: 170 });
        }
      }
      resizedCharts.clear();
    }
    if (dirtyCharts.size) {
      // Updates come in bursts (every group's window closes at once): draw within a budget and
      // leave the rest dirty for the next frames, so a frame never takes long.
      const start = performance.now();
      for (const c of dirtyCharts) {
        if (c.visible) {
          c.render();
          dirtyCharts.delete(c);
          if (performance.now() - start > CHART_BUDGET_MS) break;
        }
      }
    }
    if (model.treeDirty && now - lastTreeRender >= TREE_REFRESH_MS) {
      renderTree();
    }
    if ((model.tableDirty || tableRowsStale || model.sortedStale) && now - lastTableRender >= TABLE_REFRESH_MS) {
      sortedTags();
      renderTable();
    }
    if (now - lastStatusRender >= STATUS_REFRESH_MS) {
      renderStatus(now);
    }
    requestAnimationFrame(frame);
  }

  // ---- wiring ---------------------------------------------------------------------------------

  function wire() {
    document.getElementById('tree').addEventListener('click', (e) => {
      const node = e.target.closest('.node');
      if (!node) return;
      if (node.dataset.tag) {
        toggleChart(node.dataset.tag);
      } else if (node.dataset.path) {
        const p = node.dataset.path;
        if (model.open.has(p)) model.open.delete(p); else model.open.add(p);
        renderTree();
      }
    });
    document.getElementById('charts').addEventListener('click', (e) => {
      if (e.target.dataset.close) {
        toggleChart(e.target.closest('.chart').dataset.tag);
      }
    });
    document.getElementById('table').addEventListener('click', (e) => {
      const row = e.target.closest('.row');
      if (row && row.dataset.tag) toggleChart(row.dataset.tag);
    });
    document.getElementById('table').addEventListener('scroll', () => { model.tableDirty = true; lastTableRender = 0; });
    let typing = 0;
    document.getElementById('range').addEventListener('change', (e) => {
      model.range = e.target.value;
      model.charts.forEach((c) => c.reload());
    });
    document.getElementById('search').addEventListener('input', (e) => {
      clearTimeout(typing);
      typing = setTimeout(() => {
        model.filter = e.target.value.trim().toLowerCase();
        tableRowsStale = true;
        model.treeDirty = true;
        lastTreeRender = 0;
        lastTableRender = 0;
      }, 120);
    });
  }

  /** Read-only figures for tests and the curious: window.sluiceDashboard. */
  function exposeHook() {
    const copy = (c) => [c.series.xs.slice(), c.series.mins.slice(), c.series.maxs.slice(), c.series.means.slice()];
    const hook = {
      get connected() { return model.state === 'connected'; },
      get state() { return model.state; },
      get charts() {
        const out = {};
        model.charts.forEach((c, tag) => { out[tag] = copy(c); });
        return out;
      },
      chart(tag) {
        const c = model.charts.get(tag);
        return c ? copy(c) : null;
      },
      get chartPhases() {
        const out = {};
        model.charts.forEach((c, tag) => { out[tag] = c.phase; });
        return out;
      },
      get lastUpdate() { return model.lastUpdate; },
      get lastWindow() { return model.lastWindow; },
      get lastId() { return model.lastId; },
      get frames() { return model.frames; },
      get tagCount() { return model.tags.size; },
      get stats() {
        let oldestDirty = 0;
        const now = performance.now();
        dirtyCharts.forEach((c) => {
          if (c.visible && c.dirtySince) oldestDirty = Math.max(oldestDirty, now - c.dirtySince);
        });
        return {
          messages: model.messages,
          snapshots: model.snapshots,
          tagUpdates: model.tagUpdates,
          msgRate: model.msgRate,
          tagRate: model.tagRate,
          reconnects: model.client ? model.client.reconnects : 0,
          charts: model.charts.size,
          dirtyCharts: dirtyCharts.size,
          oldestDirtyMs: oldestDirty,
        };
      },
    };
    window.sluiceDashboard = Object.freeze(hook);
  }

  async function start() {
    wire();
    exposeHook();
    requestAnimationFrame(frame);
    let cfg;
    try {
      const r = await fetch('/dashboard/config.json');
      cfg = await r.json();
    } catch (e) {
      notice('cannot read /dashboard/config.json: ' + e.message);
      return;
    }
    model.config = cfg;
    if (!cfg.historyPath) {
      notice('no history API: charts start with the live updates');
    }
    const client = new PusherLite({
      key: cfg.appKey,
      onState: setConnection,
      onError: (message, code) => notice('server: ' + message + (code ? ' (' + code + ')' : '')),
    });
    model.client = client;
    client.subscribe(cfg.channel, {
      lastId: () => model.lastId,
      onEvent: onUpdate,
      onSubscribed: () => notice(''),
    });
    client.connect();
  }

  start();
})();
