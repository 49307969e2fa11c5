#!/usr/bin/env python3
"""Baseline for `deno task bench`: parse a DAGE file with Python's csv module (and pandas when it
is installed) and compute the pull statistics, as a Python tool would. Prints one JSON line."""
import csv
import io
import json
import statistics
import sys
import time

try:  # imported before the clock starts: only reading, parsing and statistics are timed
    import pandas
except ImportError:
    pandas = None


def main(path):
    started = time.perf_counter()
    with open(path, newline="", encoding="utf-8-sig") as f:
        text = f.read()
    loads = []
    for row in csv.reader(io.StringIO(text)):
        if row and row[0] == "TEST":
            loads.append(float(row[3]))
    if pandas is not None:
        series = pandas.Series(loads)
        stats = (float(series.mean()), float(series.std()), float(series.min()), float(series.max()))
        engine = "csv+pandas"
    else:
        stats = (statistics.fmean(loads), statistics.stdev(loads), min(loads), max(loads))
        engine = "csv+statistics"
    seconds = time.perf_counter() - started
    print(json.dumps({"engine": engine, "seconds": seconds, "bytes": len(text.encode()),
                      "pulls": len(loads), "mean": stats[0]}))


if __name__ == "__main__":
    main(sys.argv[1])
