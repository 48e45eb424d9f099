#!/usr/bin/env python3
"""Writes partials.tsv and merged.tsv from the readings below (python3 generate.py, in this folder).

Each case is one tag's readings. The partials are its 1 s windows, as the job stores them; the merged
row is the 5 s bucket [BEGINNING, BEGINNING + 5 s), computed straight from the readings with exact
rational arithmetic and rounded once to the nearest double. Windows before the bucket only hold
their last value into it.
"""
from fractions import Fraction as F
import math

BEGINNING = 1795735260000  # a minute boundary, 2026-11-26
WINDOW = 1000
BUCKET = 5000
Q = ['good', 'uncertain', 'bad']

# case -> readings as (offset from BEGINNING in ms, value, quality 0/1/2)
CASES = {
    'contiguous': [(100, 4.5, 0), (400, 4.75, 0), (850, 4.25, 0), (1200, 5.0, 0), (1900, 5.5, 0),
                   (2050, 4.0, 0), (2500, 4.125, 0), (3001, 6.0, 0), (3999, 5.25, 0), (4200, 5.0, 0),
                   (4700, 4.875, 0)],
    'gaps-held-value': [(-1700, 10.0, 0), (-1200, 12.0, 0), (1300, 11.0, 0), (1800, 13.5, 0),
                        (3100, 9.0, 1), (3600, 9.5, 0)],
    'one-window': [(2300, -3.5, 0), (2400, -1.25, 0), (2900, -2.0, 0)],
    'large-offset-small-spread': [(-600, 1000000.0005, 0), (50, 1000000.001, 0), (550, 1000000.0015, 0),
                                  (1050, 1000000.0005, 0), (1550, 1000000.002, 0), (2050, 1000000.001, 0),
                                  (2550, 1000000.0, 0), (3050, 1000000.0025, 0), (3550, 1000000.0015, 0),
                                  (4050, 1000000.001, 0), (4550, 1000000.0005, 0)],
    'worst-quality': [(0, 1.0, 0), (500, 2.0, 1), (1000, 3.0, 0), (2000, 4.0, 2), (2999, 5.0, 0),
                      (4000, 6.0, 1)],
}


def fmt(x):
    return repr(float(x))


def partial(rs, i, j, start):
    vals = [F(v) for _, v, _ in rs[i:j]]
    n = len(vals)
    mean = sum(vals) / n
    m2 = sum((v - mean) ** 2 for v in vals)
    area, span = F(0), 0
    t = start if i > 0 else rs[i][0]
    held = F(rs[i - 1][1]) if i > 0 else F(rs[i][1])
    for ts, v, _ in rs[i:j]:
        area += held * (ts - t)
        span += ts - t
        t, held = ts, F(v)
    area += held * (start + WINDOW - t)
    span += start + WINDOW - t
    qs = [q for _, _, q in rs[i:j]]
    return dict(start=start, count=n, good=qs.count(0), uncertain=qs.count(1), bad=qs.count(2),
                sum=sum(vals), min=min(vals), max=max(vals), first_ts=rs[i][0], first_value=rs[i][1],
                last_ts=rs[j - 1][0], last_value=rs[j - 1][1], mean=mean, m2=m2, twa_area=area,
                twa_span_ms=span, worst=Q[max(qs)])


def main():
    p = open('partials.tsv', 'w')
    p.write('# The stored 1 s windows of each case (a tag), as the job writes them to window_stats;\n'
            '# times are epoch ms. Written by generate.py.\n')
    p.write('\t'.join(['case', 'window_start', 'window_ms', 'count', 'good', 'uncertain', 'bad', 'sum',
                       'min', 'max', 'first_ts', 'first_value', 'last_ts', 'last_value', 'mean', 'm2',
                       'twa_area', 'twa_span_ms', 'worst']) + '\n')
    m = open('merged.tsv', 'w')
    m.write('# Each case\'s 5 s bucket [window_start, window_start + window_ms), merged from its stored\n'
            '# windows; exact from the readings, rounded once. Written by generate.py.\n')
    m.write('\t'.join(['case', 'window_start', 'window_ms', 'windows', 'count', 'good', 'uncertain',
                       'bad', 'sum', 'min', 'max', 'mean', 'stddev', 'twa', 'first_value', 'last_value',
                       'worst']) + '\n')
    for case, offsets in CASES.items():
        rs = sorted((BEGINNING + o, v, q) for o, v, q in offsets)
        i = 0
        while i < len(rs):
            start = (rs[i][0] // WINDOW) * WINDOW
            j = i
            while j < len(rs) and rs[j][0] < start + WINDOW:
                j += 1
            w = partial(rs, i, j, start)
            p.write('\t'.join([case] + [str(w['start']), str(WINDOW)] +
                              [str(w[k]) for k in ('count', 'good', 'uncertain', 'bad')] +
                              [fmt(w[k]) for k in ('sum', 'min', 'max')] +
                              [str(w['first_ts']), fmt(w['first_value']), str(w['last_ts']),
                               fmt(w['last_value']), fmt(w['mean']), fmt(w['m2']), fmt(w['twa_area']),
                               str(w['twa_span_ms']), w['worst']]) + '\n')
            i = j
        inside = [r for r in rs if BEGINNING <= r[0] < BEGINNING + BUCKET]
        before = [r for r in rs if r[0] < BEGINNING]
        vals = [F(v) for _, v, _ in inside]
        n = len(vals)
        mean = sum(vals) / n
        var = sum((v - mean) ** 2 for v in vals) / n
        area, span = F(0), 0
        t = BEGINNING if before else inside[0][0]
        held = F(before[-1][1]) if before else F(inside[0][1])
        for ts, v, _ in inside:
            area += held * (ts - t)
            span += ts - t
            t, held = ts, F(v)
        area += held * (BEGINNING + BUCKET - t)
        span += BEGINNING + BUCKET - t
        windows = len({(ts // WINDOW) for ts, _, _ in inside})
        qs = [q for _, _, q in inside]
        sd = math.sqrt(var)  # var is exact; its root rounded once
        m.write('\t'.join([case, str(BEGINNING), str(BUCKET), str(windows), str(n), str(qs.count(0)),
                           str(qs.count(1)), str(qs.count(2)), fmt(sum(vals)), fmt(min(vals)),
                           fmt(max(vals)), fmt(mean), repr(sd), fmt(area / span),
                           fmt(inside[0][1]), fmt(inside[-1][1]), Q[max(qs)]]) + '\n')


main()
