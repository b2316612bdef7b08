#!/usr/bin/env python3
"""Runs a command and prints its wall time and peak resident memory (of the command and
its children), as one line: "<seconds> <peak_kib>". Used by bench/bench.sh."""
import resource
import subprocess
import sys
import time

t0 = time.monotonic()
rc = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
wall = time.monotonic() - t0
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
print(f"{wall:.3f} {peak} {rc}")
