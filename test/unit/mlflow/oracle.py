"""Independent oracle for the MLflow reader tests: reads a store the way MLflow's own Python code does
(FileStore: yaml.safe_load, codecs reads, int()/float() on metric fields; SqlAlchemyStore: plain SQL) and
prints JSON. Standard library + PyYAML only. Usage: oracle.py file <mlruns> | oracle.py sqlite <db>.
Non-finite floats are written as the strings "NaN", "Infinity", "-Infinity" (JSON has no literal)."""
import codecs
import json
import math
import os
import sqlite3
import sys

STATUS = {1: "RUNNING", 2: "SCHEDULED", 3: "FINISHED", 4: "FAILED", 5: "KILLED"}
DBL_MAX = 1.7976931348623157e308


def enc(v):
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return v


def read(path):
    with codecs.open(path, mode="r", encoding="utf-8") as f:
        return f.read()


def walk(d):
    out = {}
    if not os.path.isdir(d):
        return out
    for root, _, files in os.walk(d):
        for name in files:
            full = os.path.join(root, name)
            out[os.path.relpath(full, d).replace(os.sep, "/")] = full
    return out


def file_store(root):
    import yaml

    experiments, runs = [], []
    for exp in sorted(os.listdir(root)):
        exp_dir = os.path.join(root, exp)
        if exp in (".trash", "models") or not os.path.isfile(os.path.join(exp_dir, "meta.yaml")):
            continue
        meta = yaml.safe_load(read(os.path.join(exp_dir, "meta.yaml")))
        experiments.append({"id": str(meta["experiment_id"]), "name": meta["name"],
                            "lifecycle": meta.get("lifecycle_stage", "active")})
        for run in sorted(os.listdir(exp_dir)):
            run_dir = os.path.join(exp_dir, run)
            if run in ("tags", "datasets", "traces", "models") or not os.path.isfile(os.path.join(run_dir, "meta.yaml")):
                continue
            rmeta = yaml.safe_load(read(os.path.join(run_dir, "meta.yaml")))
            params = {k: read(p) for k, p in walk(os.path.join(run_dir, "params")).items()}
            tags = {k: read(p) for k, p in walk(os.path.join(run_dir, "tags")).items()}
            metrics = {}
            for key, path in walk(os.path.join(run_dir, "metrics")).items():
                points = []
                for line in read(path).splitlines():
                    parts = line.strip().split(" ")
                    step = int(parts[2]) if len(parts) == 3 else 0
                    points.append((step, int(parts[0]), float(parts[1])))
                points.sort(key=lambda p: (p[0], p[1]))  # stable, like the reader
                metrics[key] = [[s, t, enc(v)] for s, t, v in points]
            runs.append({
                "runId": rmeta.get("run_id") or rmeta.get("run_uuid"),
                "experimentId": str(rmeta["experiment_id"]),
                # MLflow itself only takes the integer code; the reader also takes a name, so does this.
                "status": STATUS.get(rmeta.get("status", 1), rmeta.get("status")),
                "lifecycle": rmeta.get("lifecycle_stage", "active"),
                "name": tags.get("mlflow.runName") or rmeta.get("run_name") or rmeta.get("name") or None,
                "startTime": rmeta.get("start_time"),
                "endTime": rmeta.get("end_time"),
                "params": params, "tags": tags, "metrics": metrics,
            })
    return {"experiments": experiments, "runs": runs}


def sqlite_store(db):
    # Read-only URI: the oracle must not touch the file either.
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    experiments = [{"id": str(i), "name": n, "lifecycle": l} for i, n, l in
                   con.execute("SELECT experiment_id, name, lifecycle_stage FROM experiments ORDER BY experiment_id")]
    runs = {}
    for rid, eid, status, life, name, start, end in con.execute(
            "SELECT run_uuid, experiment_id, status, lifecycle_stage, name, start_time, end_time FROM runs"):
        runs[rid] = {"runId": rid, "experimentId": str(eid), "status": status, "lifecycle": life, "stored_name": name,
                     "startTime": start, "endTime": end, "params": {}, "tags": {}, "metrics": {}}
    for k, v, r in con.execute("SELECT key, value, run_uuid FROM params"):
        runs[r]["params"][k] = v
    for k, v, r in con.execute("SELECT key, value, run_uuid FROM tags"):
        runs[r]["tags"][k] = v
    for k, v, t, s, nan, r in con.execute(
            "SELECT key, value, timestamp, step, is_nan, run_uuid FROM metrics ORDER BY rowid"):
        value = math.nan if nan else (math.inf if v == DBL_MAX else -math.inf if v == -DBL_MAX else v)
        runs[r]["metrics"].setdefault(k, []).append((s, t, value))
    for run in runs.values():
        for k, pts in run["metrics"].items():
            pts.sort(key=lambda p: (p[0], p[1]))
            run["metrics"][k] = [[s, t, enc(v)] for s, t, v in pts]
        run["name"] = run["tags"].get("mlflow.runName") or run.pop("stored_name") or None
        run.pop("stored_name", None)
    return {"experiments": experiments, "runs": list(runs.values())}


if __name__ == "__main__":
    kind, target = sys.argv[1], sys.argv[2]
    print(json.dumps(file_store(target) if kind == "file" else sqlite_store(target)))
