#!/usr/bin/env python3
"""Writes the benchmark's input: /var/log/app/app.log, JSON lines of exactly BYTES bytes (newline
included) with seq 1, 2, 3..., until the file holds TOTAL bytes. Prints the number of lines.
usage: gen.py BYTES TOTAL"""
import sys

size, total = int(sys.argv[1]), int(sys.argv[2])
head = '{"source":"bench","seq":%d,"msg":"'
tail = '"}\n'
n = 0
with open("/var/log/app/app.log", "w", buffering=1 << 20) as f:
    written = 0
    while written + size <= total:
        n += 1
        start = head % n
        f.write(start + "x" * (size - len(start) - len(tail)) + tail)
        written += size
print(n)
