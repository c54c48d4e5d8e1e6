#!/usr/bin/env python3
"""Inclusive sample counts per method from `jfr print --events jdk.ExecutionSample --stack-depth N` on stdin.

    jfr print --events jdk.ExecutionSample --stack-depth 40 x.jfr | python3 jfr_inclusive.py [TOP]
"""
import collections
import re
import sys


def main():
    top = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    incl = collections.Counter()
    total = 0
    stack = None
    for line in sys.stdin:
        s = line.strip()
        if 'stackTrace = [' in s:
            stack = []
        elif stack is not None:
            if s.startswith(']'):
                total += 1
                incl.update(set(stack))
                stack = None
            elif s != '...':
                stack.append(re.sub(r'\s+line:.*', '', s))
    print(f'  samples: {total}')
    for m, c in incl.most_common(top):
        print(f'  {c:6d} {100.0 * c / max(total, 1):5.1f}% {m}')


if __name__ == '__main__':
    main()
