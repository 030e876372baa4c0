"""numpy oracle for the population stability index of src/core/compare.ts.

Reads a JSON list of {"ref": Distribution, "other": Distribution} from stdin and prints a JSON list of
{"psi": float, "expected": [...], "actual": [...]}. An independent formulation of the same binning:
the compared histogram is re-binned through its piecewise-linear cumulative distribution (np.interp)
instead of summing bin overlaps, and the decile cuts come from np.searchsorted on the reference's
cumulative shares.
"""
import json
import sys

import numpy as np

EPS = 1e-4
BUCKETS = 10


def numeric(ref, other):
    edges = np.asarray(ref["edges"], dtype=float)
    counts = np.asarray(ref["counts"], dtype=float)
    k = len(counts)
    cum = np.cumsum(counts) / counts.sum()
    cuts = set()
    for j in range(1, BUCKETS):
        i = int(np.searchsorted(cum, j / BUCKETS - 1e-12, side="left"))
        if i < k - 1:
            cuts.add(i)
    cuts = sorted(cuts)
    groups, start = [], 0
    for c in cuts:
        groups.append((start, c))
        start = c + 1
    groups.append((start, k - 1))
    expected = np.array([counts[a : b + 1].sum() for a, b in groups])
    lo = np.array([-np.inf if g == 0 else edges[a] for g, (a, _) in enumerate(groups)])
    hi = np.array([np.inf if g == len(groups) - 1 else edges[b + 1] for g, (_, b) in enumerate(groups)])
    oe = np.asarray(other["edges"], dtype=float)
    oc = np.asarray(other["counts"], dtype=float)
    ocum = np.concatenate([[0.0], np.cumsum(oc)])
    cdf = lambda x: np.interp(np.clip(x, oe[0], oe[-1]), oe, ocum)
    actual = cdf(hi) - cdf(lo)
    return expected, actual


def categorical(ref, other):
    labels = []
    for v in ref["values"] + other["values"]:
        if v["value"] not in labels:
            labels.append(v["value"])
    def count(d):
        out = np.zeros(len(labels))
        for v in d["values"]:
            out[labels.index(v["value"])] += v["count"]
        return out
    expected, actual = count(ref), count(other)
    if ref["other"] > 0 or other["other"] > 0:
        expected = np.append(expected, ref["other"])
        actual = np.append(actual, other["other"])
    return expected, actual


def psi(case):
    ref, other = case["ref"], case["other"]
    expected, actual = (numeric if ref["kind"] == "numeric" else categorical)(ref, other)
    if ref["nulls"] > 0 or other["nulls"] > 0:
        expected = np.append(expected, ref["nulls"])
        actual = np.append(actual, other["nulls"])
    e = np.maximum(expected / expected.sum(), EPS)
    a = np.maximum(actual / actual.sum(), EPS)
    return {"psi": float(np.sum((a - e) * np.log(a / e))), "expected": expected.tolist(), "actual": actual.tolist()}


json.dump([psi(c) for c in json.load(sys.stdin)], sys.stdout)
