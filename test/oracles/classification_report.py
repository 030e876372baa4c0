#!/usr/bin/env python3
"""Reference for src/core/classification.ts: scikit-learn's confusion_matrix and classification_report.

stdin:  JSON {"y_true": [...], "y_pred": [...], "labels": [...] or null}, or a list of them (one Python start
        for many cases: importing scikit-learn takes about a second)
stdout: JSON (a list of them for a list) {"sklearn": "<version>", "labels": [...as strings...], "confusion_matrix": [[...]],
              "report": classification_report(..., output_dict=True, zero_division=0)}
Exit 3 with a message on stderr when scikit-learn is not installed (the tests then fail, saying how to install it).
"""
import json
import sys

try:
    import numpy as np
    import sklearn
    from sklearn.metrics import classification_report, confusion_matrix
    from sklearn.utils.multiclass import unique_labels
except ImportError as e:  # pragma: no cover - depends on the machine
    sys.stderr.write(f"cannot import scikit-learn: {e}\n")
    sys.exit(3)


def plain(x):
    """numpy scalars and arrays to JSON types."""
    if isinstance(x, dict):
        return {str(k): plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple, np.ndarray)):
        return [plain(v) for v in x]
    if isinstance(x, np.generic):
        return x.item()
    return x


def one(req):
    y_true, y_pred, labels = req["y_true"], req["y_pred"], req.get("labels")
    used = list(labels) if labels is not None else list(unique_labels(y_true, y_pred))
    cm = confusion_matrix(y_true, y_pred, labels=used)
    report = classification_report(y_true, y_pred, labels=used if labels is not None else None,
                                   output_dict=True, zero_division=0)
    return {
        "sklearn": sklearn.__version__,
        "labels": [str(plain(l)) for l in used],
        "confusion_matrix": plain(cm),
        "report": plain(report),
    }


def main():
    req = json.load(sys.stdin)
    json.dump([one(r) for r in req] if isinstance(req, list) else one(req), sys.stdout)


main()
