#!/usr/bin/env python3
"""Reference for src/core/profile: what pandas says about a CSV file.

stdin:  JSON list of jobs {"path", "sep", "decimal", "quantiles": [p...], "edges": {column: [edge...]}}
        (one Python start for all files: importing pandas takes about a second)
stdout: JSON list, one per job: {"pandas": version, "rows": n, "columns": [{
          "name", "dtype" (pandas), "type" (ours: integer/float/boolean/datetime/string/empty),
          "nulls" (isna().sum()), "nunique", "min", "max", "mean", "std" (describe(), numbers only),
          "dt_min_ms", "dt_max_ms" (datetime-looking text columns, via pd.to_datetime, naive = UTC),
          "quantiles" (Series.quantile(ps); for datetimes over epoch milliseconds),
          "hist" (numpy.histogram(values, bins=edges)[0] with the edges we computed),
          "value_counts" ({value: count}: text as is, booleans as true/false, whole numbers as integers)}]}
The null spellings are pandas' defaults plus "None" (pandas 2 added it; Debian bookworm has pandas 1.5).
Exit 3 with a message on stderr when pandas is not installed (the tests then fail, saying how to install it).
"""
import json
import math
import re
import sys

try:
    import numpy as np
    import pandas as pd
except ImportError as e:  # pragma: no cover - depends on the machine
    sys.stderr.write(f"cannot import pandas: {e}\n")
    sys.exit(3)

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}([.,]\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$")
BOOLS = {"True": "true", "TRUE": "true", "true": "true", "False": "false", "FALSE": "false", "false": "false"}


def num(x):
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) else x


def column(s, ps, edges):
    out = {"name": str(s.name), "dtype": str(s.dtype), "nulls": int(s.isna().sum()), "nunique": int(s.nunique())}
    values = s.dropna()
    kind = None
    if len(values) == 0:
        kind = "empty"
    elif s.dtype == bool:
        kind = "boolean"
    elif pd.api.types.is_integer_dtype(s.dtype):
        kind = "integer"
    elif pd.api.types.is_float_dtype(s.dtype):
        kind = "float"
    elif all(isinstance(v, (bool, np.bool_)) or (isinstance(v, str) and v in BOOLS) for v in values):
        # pandas reads a boolean column with nulls as object holding Python bools
        kind = "boolean"
    elif all(isinstance(v, str) and ISO.match(v) for v in values):
        kind = "datetime"
    else:
        kind = "string"
    out["type"] = kind
    series_for_quantiles = None
    if kind in ("integer", "float"):
        out.update(min=num(values.min()), max=num(values.max()), mean=num(values.mean()), std=num(values.std()))
        series_for_quantiles = values.astype("float64") if kind == "float" else values
    if kind == "datetime":
        ts = pd.to_datetime(values)
        ms = ts.values.astype("datetime64[ms]").astype("int64").astype("float64")
        out.update(dt_min_ms=float(ms.min()), dt_max_ms=float(ms.max()))
        series_for_quantiles = pd.Series(ms)
    if series_for_quantiles is not None:
        out["quantiles"] = [float(v) for v in series_for_quantiles.quantile(ps).tolist()]
        if s.name in edges and len(edges[s.name]) > 1:
            counts, _ = np.histogram(series_for_quantiles.to_numpy(dtype="float64"), bins=np.array(edges[s.name], dtype="float64"))
            out["hist"] = [int(c) for c in counts]
    vc = {}
    for v, c in values.value_counts(dropna=True).items():
        if kind == "boolean":
            key = "true" if (v is True or v is np.True_ or BOOLS.get(str(v)) == "true") else "false"
        elif isinstance(v, (float, np.floating)) and float(v).is_integer():
            key = str(int(v))
        elif isinstance(v, (int, np.integer)):
            key = str(int(v))
        else:
            key = str(v)
        vc[key] = vc.get(key, 0) + int(c)
    out["value_counts"] = vc
    return out


def run(job):
    df = pd.read_csv(job["path"], sep=job["sep"], decimal=job["decimal"], na_values=["None"], keep_default_na=True)
    ps = job.get("quantiles", [])
    edges = job.get("edges", {})
    return {"pandas": pd.__version__, "rows": int(len(df)), "columns": [column(df[c], ps, edges) for c in df.columns]}


def main():
    jobs = json.load(sys.stdin)
    json.dump([run(j) for j in jobs], sys.stdout)


if __name__ == "__main__":
    main()
