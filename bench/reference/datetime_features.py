"""Reference figures for the datetime step (src/core/prepare/steps/datetime.ts), from pandas.

Each case is a column of cells as they reach the step (ISO-like text as in CSV files and as DuckDB
prints DATE/TIMESTAMP/TIMESTAMPTZ values, or epoch numbers), parsed by pandas' to_datetime with
errors="coerce", and the Series.dt features year, month, day, dayofweek, dayofyear, hour, minute
(null where pandas gives NaT).

Run:  /usr/bin/python3 bench/reference/datetime_features.py
      (not datetime.py: that name would shadow the standard library's datetime for every script here)
      writes test/fixtures/reference/datetime.json
"""
import datetime as dt
import json
import os

import numpy as np
import pandas as pd

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
FEATURES = ["year", "month", "day", "dayofweek", "dayofyear", "hour", "minute"]
rng = np.random.default_rng(7)


def random_instants(n):
    start = dt.datetime(1900, 1, 1)
    seconds = rng.integers(0, 200 * 365 * 86400, size=n)
    return [start + dt.timedelta(seconds=int(s), microseconds=int(rng.integers(0, 1_000_000))) for s in seconds]


def naive_cells():
    formats = ["%Y-%m-%d", "%Y/%m/%d", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f"]
    cells = []
    for i, t in enumerate(random_instants(240)):
        cells.append(t.strftime(formats[i % len(formats)]))
    # Unpadded months and days, leap days, and the ends of years.
    cells += ["2020-1-5", "1999-12-31 23:59", "2000-02-29", "2024-02-29T12:00:00", "2023-01-01", "1900-03-01", "2100-12-31 00:01:59"]
    # Not dates: they must become missing.
    cells += ["not a date", "2021-02-29", "2020-02-30", "2020-04-31", "2020-01-15 25:00", "2020-01-15 10:61", "", None, "N/A"]
    return cells


def features(parsed):
    out = {}
    for name in FEATURES:
        values = getattr(parsed.dt, name)
        out[name] = [None if pd.isna(v) else int(v) for v in values]
    return out


def text_case(name, cells):
    series = pd.Series(cells, dtype=object)
    # pandas reads "" and "N/A" in a CSV as missing; the step sees them as missing too.
    series = series.replace({"": None, "N/A": None})
    parsed = pd.to_datetime(series, errors="coerce")
    return {"name": name, "values": cells, "features": features(parsed)}


def epoch_case(name, numbers, unit):
    parsed = pd.to_datetime(pd.Series(numbers, dtype="float64"), unit=unit, errors="coerce")
    return {"name": name, "unit": unit, "values": [None if np.isnan(v) else v for v in numbers], "features": features(parsed)}


def main():
    instants = random_instants(120)
    utc = [t.strftime("%Y-%m-%dT%H:%M:%SZ") if i % 2 else t.strftime("%Y-%m-%d %H:%M:%S+00") for i, t in enumerate(instants)]
    offset = [t.strftime("%Y-%m-%dT%H:%M:%S+05:30") for t in instants]
    epoch_s = [float(s) for s in rng.integers(-2_000_000_000, 4_000_000_000, size=120)] + [0.0, 86399.5, -1.0, float("nan")]
    epoch_ms = [float(s) for s in rng.integers(-2_000_000_000_000, 4_000_000_000_000, size=120)] + [0.0, -1.0, float("nan")]
    reference = {
        "pandas": pd.__version__,
        "features": FEATURES,
        "cases": [
            text_case("naive", naive_cells()),
            text_case("utc", utc),
            text_case("offset", offset),
            epoch_case("epoch_s", epoch_s, "s"),
            epoch_case("epoch_ms", epoch_ms, "ms"),
        ],
    }
    target = os.path.join(ROOT, "test", "fixtures", "reference", "datetime.json")
    with open(target, "w") as f:
        json.dump(reference, f)
        f.write("\n")
    print(f"wrote {target}")


main()
