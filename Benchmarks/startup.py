#!/usr/bin/env python3
"""Median wall time of a command in milliseconds, over N runs, timed around the process
itself (no time(1) or shell in between, which add several ms). Usage: startup.py N CMD..."""
import statistics, subprocess, sys, time

runs, command = int(sys.argv[1]), sys.argv[2:]
samples = []
for _ in range(runs):
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    samples.append(time.perf_counter() - start)
print(f"{statistics.median(samples):.4f}")
