#!/usr/bin/env python3
"""CPU seconds of PostgreSQL so far: the postmaster, its exited children (backends, counted
in its cutime/cstime) and its live ones. Usage: pg_cpu.py POSTMASTER_PID"""
import os, sys

tick = os.sysconf("SC_CLK_TCK")
root = sys.argv[1]


def fields(pid):
    s = open(f"/proc/{pid}/stat").read()
    return s[s.rindex(")") + 2:].split()


f = fields(root)
total = sum(int(x) for x in f[11:15])
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        g = fields(pid)
        if g[1] == root:
            total += int(g[11]) + int(g[12])
    except OSError:
        pass
print(total / tick)
