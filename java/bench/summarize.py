#!/usr/bin/env python3
"""Summarises a suite.sh raw file: medians [min-max] across rounds, ratios per round, targets, JMH, chart.

    python3 java/bench/summarize.py RAW [--md OUT.md] [--png OUT.png] [--jmh JMH.json]
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict

LINE = re.compile(r'^\[r(\w+) ([\w-]+)\] (.*)$')
# label -> (section, system, transport, metric keys)
SERIES = {
    'c-pp-uds': ('rtt', 'C (2 procs)', 'UDS'), 'c-pp-tcp': ('rtt', 'C (2 procs)', 'TCP'),
    'c-pp-udp': ('rtt', 'C (2 procs)', 'UDP'),
    'c-pp-epoll': ('rtt', 'C (2 procs), epoll_wait', 'UDS'),
    'c-pp-busy': ('rtt', 'C (2 procs), busy poll', 'UDS'),
    'jipc-pp-uds': ('rtt', 'jipc native (2 JVMs)', 'UDS'), 'jipc-pp-tcp': ('rtt', 'jipc native (2 JVMs)', 'TCP'),
    'jipc-pp-udp': ('rtt', 'jipc native (2 JVMs)', 'UDP'),
    'jipc-pp-tls': ('rtt', 'jipc native (2 JVMs)', 'TLS 1.3, mutual'),
    'jipcnio-pp-uds': ('rtt', 'jipc NIO (2 JVMs)', 'UDS'), 'jipcnio-pp-tcp': ('rtt', 'jipc NIO (2 JVMs)', 'TCP'),
    'jipcproto-pp-uds': ('rtt', 'jipc native, protobuf (2 JVMs)', 'UDS'),
    'jipc-pp-uds-busy': ('rtt', 'jipc native, busyPoll (2 JVMs)', 'UDS'),
    'jipcnio-pp-uds-busy': ('rtt', 'jipc NIO, busyPoll (2 JVMs)', 'UDS'),
    'jdk-pp-uds': ('rtt', 'JDK blocking (1 JVM)', 'UDS'), 'jdk-pp-tcp': ('rtt', 'JDK blocking (1 JVM)', 'TCP'),
    'netty-pp-uds': ('rtt', 'Netty epoll (1 JVM)', 'UDS'),
    'nodeipc-pp-uds': ('rtt', 'node-ipc 9.2.9', 'UDS'), 'nodeipc-pp-tcp': ('rtt', 'node-ipc 9.2.9', 'TCP'),
    'c-st1': ('oneway', 'C, 1 write/msg', 'UDS'), 'c-st64': ('oneway', 'C, 64 frames/write', 'UDS'),
    'jipc-st-uds': ('oneway', 'jipc native (2 JVMs)', 'UDS'), 'jipc-st-tcp': ('oneway', 'jipc native (2 JVMs)', 'TCP'),
    'jipcnio-st-uds': ('oneway', 'jipc NIO (2 JVMs)', 'UDS'),
    'jipcproto-st-uds': ('oneway', 'jipc native, protobuf (2 JVMs)', 'UDS'),
    'jdk-st1': ('oneway', 'JDK, 1 write/msg', 'UDS'), 'jdk-st64': ('oneway', 'JDK, 64 frames/write', 'UDS'),
    'netty-st1': ('oneway', 'Netty epoll, flush/msg', 'UDS'), 'netty-st64': ('oneway', 'Netty epoll, flush/64', 'UDS'),
    'nodeipc-st-uds': ('oneway', 'node-ipc 9.2.9', 'UDS'),
    'jipc-bc-uds': ('broadcast', 'jipc native (1 JVM)', 'UDS'),
    'jipcnio-bc-uds': ('broadcast', 'jipc NIO (1 JVM)', 'UDS'),
    'netty-bc-uds': ('broadcast', 'Netty epoll ChannelGroup (1 JVM)', 'UDS'),
    'jipc-scale': ('scale', 'jipc server', 'UDS'),
}
NUM = r'([0-9]+(?:\.[0-9]+)?)'


def parse(raw):
    """-> values[label][metric] = {round: value}"""
    values = defaultdict(lambda: defaultdict(dict))
    for line in open(raw, encoding='utf-8'):
        m = LINE.match(line.rstrip('\n'))
        if not m:
            continue
        rnd, label, text = m.groups()
        if label not in SERIES or not re.match(r'^(C|JDK|node-ipc|Netty-epoll|jipc) ', text):
            continue
        for key, pat in (('median', r' median=' + NUM + ' us'), ('p99', r' p99=' + NUM + ' us'),
                         ('msgs', NUM + r' msgs/s'), ('mbs', NUM + r' MB/s'),
                         ('deliveries', NUM + r' deliveries/s'), ('heap_conn', r'heap ' + NUM + r' B/conn'),
                         ('heap_total', r'\(' + NUM + r' MiB in all\)'), ('rss_conn', r'RSS ' + NUM + r' B/conn')):
            v = re.search(pat, text)
            if v:
                values[label][key][rnd] = float(v.group(1))
    return values


def stat(d):
    if not d:
        return None
    vs = sorted(d.values())
    return statistics.median(vs), vs[0], vs[-1]


def fmt(x, kind):
    if kind == 'rate':
        return f'{x / 1e6:.2f}M' if x >= 1e6 else (f'{x / 1e3:.0f}k' if x >= 1e3 else f'{x:.0f}')
    if kind == 'x':
        return f'{x:.2f}x'
    return f'{x:.1f}'


def cell(d, kind):
    s = stat(d)
    if s is None:
        return '-'
    return f'{fmt(s[0], kind)} [{fmt(s[1], kind)}-{fmt(s[2], kind)}]'


def ratio(num, den, invert=False):
    """Per-round ratio num/den (or den/num), as a {round: value} dict."""
    out = {}
    for r, v in num.items():
        if r in den and den[r] > 0 and v > 0:
            out[r] = den[r] / v if invert else v / den[r]
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('raw')
    ap.add_argument('--md')
    ap.add_argument('--png')
    ap.add_argument('--jmh')
    a = ap.parse_args()
    v = {label: dict(d) for label, d in parse(a.raw).items()}

    def g(label, key):
        return v.get(label, {}).get(key, {})
    rounds = sorted({r for lab in v.values() for d in lab.values() for r in d})
    md = [f'Source: `{os.path.basename(a.raw)}`, {len(rounds)} round(s) interleaved; each cell is the median across '
          'rounds [min-max]; ratios are computed per round, then summarised the same way. 64-byte payloads. '
          'Ratios to C: jipc / C for times (lower is better) and for rates (higher is better); '
          '"x node-ipc": how many times better than node-ipc.', '']

    md += ['### Ping-pong round trip', '',
           'C (2 procs) is cbench: each side blocks in `read()`. An event loop waits in `epoll_wait()` instead, which '
           'on this virtual machine costs about 20 µs more per round trip even in C (`c/cpoll.c epoll`); '
           '"vs C waiting alike" compares with C doing the same (epoll_wait, or busy polling just as long).', '',
           '| system | transport | RTT median µs | RTT p99 µs | vs C (median) | vs C waiting alike | '
           'x node-ipc (median) |',
           '|---|---|---|---|---|---|---|']
    c_of = {'UDS': 'c-pp-uds', 'TCP': 'c-pp-tcp', 'UDP': 'c-pp-udp'}
    alike = {'jipc-pp-uds': 'c-pp-epoll', 'jipcnio-pp-uds': 'c-pp-epoll', 'jipcproto-pp-uds': 'c-pp-epoll',
             'netty-pp-uds': 'c-pp-epoll', 'jipc-pp-uds-busy': 'c-pp-busy', 'jipcnio-pp-uds-busy': 'c-pp-busy'}
    n_of = {'UDS': 'nodeipc-pp-uds', 'TCP': 'nodeipc-pp-tcp'}
    for label, (sec, system, tr) in SERIES.items():
        if sec != 'rtt' or label not in v:
            continue
        med = g(label, 'median')
        vs_c = cell(ratio(med, g(c_of[tr], 'median')), 'x') if tr in c_of and not label.startswith('c-') else '-'
        vs_a = cell(ratio(med, g(alike[label], 'median')), 'x') if label in alike else '-'
        vs_n = (cell(ratio(med, g(n_of[tr], 'median'), invert=True), 'x')
                if tr in n_of and not label.startswith('nodeipc') else '-')
        md.append(f'| {system} | {tr} | {cell(med, "us")} | {cell(g(label, "p99"), "us")} | {vs_c} | {vs_a} | '
                  f'{vs_n} |')

    md += ['', '### One-way throughput (the receiver decodes every message)', '',
           '| system | transport | msgs/s | MB/s | vs C 64 frames/write | x node-ipc |', '|---|---|---|---|---|---|']
    for label, (sec, system, tr) in SERIES.items():
        if sec != 'oneway' or label not in v:
            continue
        msgs = g(label, 'msgs')
        vs_c = cell(ratio(msgs, g('c-st64', 'msgs')), 'x') if label != 'c-st64' else '-'
        vs_n = cell(ratio(msgs, g('nodeipc-st-uds', 'msgs')), 'x') if label != 'nodeipc-st-uds' else '-'
        md.append(f'| {system} | {tr} | {cell(msgs, "rate")} | {cell(g(label, "mbs"), "us")} | {vs_c} | {vs_n} |')

    if 'jipc-bc-uds' in v or 'jipc-scale' in v:
        md += ['', '### Broadcast fan-out and connection scale', '', '| measure | value |', '|---|---|']
        if 'jipc-bc-uds' in v:
            md.append(f'| jipc native broadcast, UDS: deliveries/s | {cell(g("jipc-bc-uds", "deliveries"), "rate")} |')
        if 'jipcnio-bc-uds' in v:
            md.append(f'| jipc NIO broadcast, UDS: deliveries/s | {cell(g("jipcnio-bc-uds", "deliveries"), "rate")} |')
        if 'netty-bc-uds' in v:
            md.append(f'| Netty epoll broadcast (ChannelGroup.writeAndFlush), UDS: deliveries/s | '
                      f'{cell(g("netty-bc-uds", "deliveries"), "rate")} |')
        if 'jipc-bc-uds' in v and 'netty-bc-uds' in v:
            md.append(f'| jipc / Netty broadcast deliveries/s | '
                      f'{cell(ratio(g("jipc-bc-uds", "deliveries"), g("netty-bc-uds", "deliveries")), "x")} |')
        if 'jipc-scale' in v:
            s = v['jipc-scale']
            s = {k: s.get(k, {}) for k in ('heap_total', 'heap_conn', 'rss_conn')}
            md.append(f'| jipc idle UDS connections: heap in all, MiB | {cell(s["heap_total"], "us")} |')
            md.append(f'| jipc idle UDS connections: heap per connection, bytes | {cell(s["heap_conn"], "us")} |')
            md.append(f'| jipc idle UDS connections: RSS per connection, bytes | {cell(s["rss_conn"], "us")} |')

    # targets of the performance issue
    def med(label, key, num=None):
        d = g(label, key)
        if num is not None:
            d = ratio(g(num[0], num[1]), d)
        s = stat(d)
        return None if s is None else s[0]
    targets = [
        ('UDS ping-pong RTT vs C', med('c-pp-uds', 'median', ('jipc-pp-uds', 'median')), '<=', 1.2, 'x'),
        ('UDS ping-pong RTT vs C, jipc with busyPoll', med('c-pp-uds', 'median', ('jipc-pp-uds-busy', 'median')),
         '<=', 1.2, 'x'),
        ('UDS ping-pong RTT vs C on epoll_wait (both wait in the kernel)',
         med('c-pp-epoll', 'median', ('jipc-pp-uds', 'median')), '<=', 1.2, 'x'),
        ('UDS RTT native / NIO', med('jipcnio-pp-uds', 'median', ('jipc-pp-uds', 'median')), '<', 1.0, 'x'),
        ('UDS RTT native / NIO, both busyPoll',
         med('jipcnio-pp-uds-busy', 'median', ('jipc-pp-uds-busy', 'median')), '<', 1.0, 'x'),
        ('TCP ping-pong RTT vs C', med('c-pp-tcp', 'median', ('jipc-pp-tcp', 'median')), '<=', 1.2, 'x'),
        ('one-way JSON vs C batched', med('c-st64', 'msgs', ('jipc-st-uds', 'msgs')), '>=', 0.25, 'x'),
        ('broadcast deliveries/s (100 clients)', med('jipc-bc-uds', 'deliveries'), '>=', 2e6, 'rate'),
        ('broadcast vs Netty doing the same', med('netty-bc-uds', 'deliveries', ('jipc-bc-uds', 'deliveries')), '>=',
         1.0, 'x'),
        ('heap for the idle connections, MiB', med('jipc-scale', 'heap_total'), '<=', 64, 'us'),
    ]
    targets.append(('one-way protobuf vs C batched', med('c-st64', 'msgs', ('jipcproto-st-uds', 'msgs')), '>=', 0.40,
                    'x'))
    md += ['', '### Targets (jipc native transport unless named)', '', '| measure | target | measured (median) | |',
           '|---|---|---|---|']
    for name, val, op, goal, kind in targets:
        if val is None:
            md.append(f'| {name} | {op} {fmt(goal, kind)} | - | not run |')
            continue
        ok = {'<=': val <= goal, '<': val < goal, '>=': val >= goal}[op]
        md.append(f'| {name} | {op} {fmt(goal, kind)} | {fmt(val, kind)} | {"met" if ok else "missed"} |')

    if a.jmh and os.path.exists(a.jmh):
        rows = json.load(open(a.jmh, encoding='utf-8'))
        md += ['', '### JMH: codec cost per message (one fork; `-prof gc`)', '',
               '| benchmark | params | ns/op | ± | bytes allocated/op |', '|---|---|---|---|---|']
        for r in rows:
            p = r['primaryMetric']
            alloc = r.get('secondaryMetrics', {}).get('gc.alloc.rate.norm', {}).get('score')
            params = ', '.join(f'{k}={x}' for k, x in sorted(r.get('params', {}).items()))
            err = p.get('scoreError')
            err = f'{err:.1f}' if isinstance(err, (int, float)) and err == err else '-'
            md.append(f'| {r["benchmark"].split(".", 3)[-1]} | {params} | {p["score"]:.1f} | {err} | '
                      f'{"-" if alloc is None else f"{alloc:.0f}"} |')

    text = '\n'.join(md) + '\n'
    print(text)
    if a.md:
        with open(a.md, 'w', encoding='utf-8') as f:
            f.write(f'# Benchmark suite: {os.path.basename(a.raw)}\n\n' + text)
    if a.png:
        chart(v, a.png)


def chart(v, png):
    def g(label, key):
        return v.get(label, {}).get(key, {})

    if shutil.which('gnuplot') is None:
        print('summarize.py: gnuplot not found (apt-get install gnuplot-nox): no chart', file=sys.stderr)
        return
    rtt = [(SERIES[lab][1] + ' ' + SERIES[lab][2], stat(g(lab, 'median'))) for lab in SERIES
           if SERIES[lab][0] == 'rtt' and SERIES[lab][2] == 'UDS' and lab in v and g(lab, 'median')]
    one = [(SERIES[lab][1], stat(g(lab, 'msgs'))) for lab in SERIES
           if SERIES[lab][0] == 'oneway' and SERIES[lab][2] == 'UDS' and lab in v and g(lab, 'msgs')]
    with tempfile.TemporaryDirectory() as d:
        for name, rows, scale in (('rtt', rtt, 1), ('one', one, 1e6)):
            with open(os.path.join(d, name + '.dat'), 'w', encoding='utf-8') as f:
                for label, (m, lo, hi) in rows:
                    # jipc's own bars in orange, every reference in grey-blue
                    colour = 0xee7733 if label.startswith('jipc') else 0x8899aa
                    f.write(f'"{label}" {m / scale} {lo / scale} {hi / scale} {colour}\n')
        # boxes at x = row number with a colour per row, error bars over them; noenhanced: "epoll_wait" is a name,
        # not a subscript; both panels on a log scale, so 8 us and 200 us bars are both readable
        script = f'''
set terminal pngcairo size 1200,560 font ",10" noenhanced
set output "{png}"
set multiplot layout 1,2 title "Unix-domain socket, 64-byte messages: median across rounds, bars min-max; jipc in orange"
set style fill solid 0.8 border -1
set boxwidth 0.7
set xtics rotate by -35 left
set grid ytics mytics
set key off
set logscale y
set title "ping-pong RTT, µs, log scale (lower is better)"
set yrange [*:*]
plot "{d}/rtt.dat" using 0:2:5:xtic(1) with boxes lc rgb variable, "" using 0:2:3:4 with yerrorbars lc rgb "black" pt 7 ps 0
set title "one-way, million msgs/s, log scale (higher is better)"
plot "{d}/one.dat" using 0:2:5:xtic(1) with boxes lc rgb variable, "" using 0:2:3:4 with yerrorbars lc rgb "black" pt 7 ps 0
unset multiplot
'''
        subprocess.run(['gnuplot'], input=script, text=True, check=True)
    print(f'chart: {png}')


if __name__ == '__main__':
    main()
