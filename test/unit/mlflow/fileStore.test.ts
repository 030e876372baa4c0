import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Problems } from '../../../src/core/mlflow/common';
import { parseMetricLines, readFileStore } from '../../../src/core/mlflow/fileStore';
import type { MlflowStore } from '../../../src/core/mlflow/model';
import {
  copyFixture, encodeValue, LOGLABS, miniExperiments, miniMetric, miniRuns, miniValues, oracleUnavailable, PACKT, plain,
  runOracle, removeTempDirs, tempDir,
} from './helpers';

after(removeTempDirs);

function write(file: string, content: string | Buffer): void {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, content);
}

function runOf(store: MlflowStore, runId: string) {
  const run = store.runs.find((r) => r.runId === runId);
  assert.ok(run, `run ${runId} not read`);
  return run;
}

/** Compares the whole reading with the Python oracle (MLflow's own reading rules). */
function assertMatchesOracle(store: MlflowStore, root: string): void {
  const oracle = runOracle('file', root);
  assert.deepEqual(store.experiments.map((e) => ({ id: e.experimentId, name: e.name, lifecycle: e.lifecycleStage })),
    [...oracle.experiments].sort((a, b) => Number(a.id) - Number(b.id)));
  assert.equal(store.runs.length, oracle.runs.length);
  for (const o of oracle.runs) {
    const r = runOf(store, o.runId);
    assert.equal(r.experimentId, o.experimentId);
    assert.equal(r.mlflowStatus, o.status);
    assert.equal(r.lifecycleStage, o.lifecycle);
    assert.equal(r.name, o.name);
    assert.equal(r.startTime, o.startTime);
    assert.equal(r.endTime, o.endTime);
    assert.deepEqual(plain(r.params), o.params);
    assert.deepEqual(plain(r.tags), o.tags);
    const ours = Object.fromEntries(Object.entries(r.metrics).map(([k, pts]) =>
      [k, pts.map((p) => [p.step, p.timestamp, encodeValue(p.value)])]));
    assert.deepEqual(ours, o.metrics, `metrics of ${o.runId}`);
  }
}

describe('MLflow file store: real stores', () => {
  it('reads packt-dl-at-scale-ch02 (MLflow 1.27, Lightning autolog) as it is on disk', async () => {
    const store = await readFileStore(PACKT);
    assert.deepEqual(store.problems, []);
    assert.equal(store.kind, 'file');

    const exps = miniExperiments(PACKT);
    assert.deepEqual(store.experiments.map((e) => e.experimentId).sort(), exps.map((e) => e.id).sort());
    for (const e of exps) {
      const ours = store.experiments.find((x) => x.experimentId === e.id);
      assert.equal(ours?.name, e.meta.name);
      assert.equal(ours?.artifactLocation, e.meta.artifact_location);
    }
    assert.deepEqual(store.experiments.map((e) => e.name), ['Default', 'dl_model_chapter02']);

    const onDisk = miniRuns(PACKT);
    assert.equal(store.runs.length, onDisk.length);
    assert.equal(store.runs.filter((r) => r.lifecycleStage === 'active').length,
      onDisk.filter((r) => r.meta.lifecycle_stage === 'active').length);
    for (const d of onDisk) {
      const run = runOf(store, d.meta.run_id);
      assert.equal(run.experimentId, d.expId);
      assert.equal(d.meta.status, '3');
      assert.equal(run.status, 'finished');
      assert.equal(run.startTime, Number(d.meta.start_time));
      assert.equal(run.endTime, Number(d.meta.end_time));
      assert.equal(run.artifactUri, d.meta.artifact_uri);
      const tags = miniValues(join(d.dir, 'tags'));
      assert.equal(run.name, tags['mlflow.runName']);
      assert.equal(run.git?.commit, tags['mlflow.source.git.commit']);
      assert.equal(run.user, d.meta.user_id);
      assert.deepEqual(plain(run.tags), tags);
      assert.deepEqual(plain(run.params), miniValues(join(d.dir, 'params')));
      assert.equal(run.params.betas, '(0.9, 0.999)');
      const metricFiles = readdirSync(join(d.dir, 'metrics'));
      assert.deepEqual(Object.keys(run.metrics).sort(), metricFiles.sort());
      for (const key of metricFiles) {
        const expected = miniMetric(join(d.dir, 'metrics', key));
        assert.deepEqual(run.metrics[key].map((p) => [p.step, p.timestamp, p.value]), expected, key);
        assert.equal(run.metrics[key].at(-1)?.value, expected.at(-1)?.[2]);
      }
    }
    const run = runOf(store, '34e6c900bbec484aa32ca9a4827a0c85');
    assert.equal(run.name, 'chapter02');
    assert.deepEqual(run.metrics.test_accuracy, [{ step: 0, timestamp: 1677130886376, value: 0.6639999747276306 }]);
  });

  it('reads loglabs-mltrace (MLflow 1.x, no run names, short histories)', async () => {
    const store = await readFileStore(LOGLABS);
    assert.deepEqual(store.problems, []);
    const onDisk = miniRuns(LOGLABS);
    assert.equal(onDisk.length, 47);
    assert.equal(store.runs.length, 47);
    assert.equal(store.runs.filter((r) => r.lifecycleStage === 'active').length, 47);
    assert.deepEqual(store.experiments.map((e) => [e.experimentId, e.name]), [['0', 'Default']]);
    for (const d of onDisk) {
      const run = runOf(store, d.meta.run_id);
      assert.equal(run.name, null, 'no run_name in meta.yaml and no mlflow.runName tag');
      assert.equal(run.status, 'finished');
      assert.equal(run.git?.commit, miniValues(join(d.dir, 'tags'))['mlflow.source.git.commit']);
      const metricsDir = join(d.dir, 'metrics');
      const keys = miniValues(metricsDir);
      assert.deepEqual(Object.keys(run.metrics).sort(), Object.keys(keys).sort());
      for (const key of Object.keys(keys)) {
        assert.deepEqual(run.metrics[key].map((p) => [p.step, p.timestamp, p.value]), miniMetric(join(metricsDir, key)));
      }
    }
    // The longest history in the store, checked point by point.
    const foo = runOf(store, '73d6b9b8993b4593ac0ef30803ec2cea').metrics.foo;
    assert.deepEqual(foo.map((p) => p.value), [1, 2]);
    assert.ok(store.runs.some((r) => (r.metrics.foo?.length ?? 0) === 3), 'a run with 3 points of foo');
    assert.ok(store.runs.filter((r) => Object.keys(r.metrics).length === 0).length > 0, 'runs without metrics');
  });

  it('agrees with MLflow\'s own reading rules (Python oracle) on both real stores', async (t) => {
    const why = oracleUnavailable();
    if (why) return t.skip(why);
    assertMatchesOracle(await readFileStore(PACKT), PACKT);
    assertMatchesOracle(await readFileStore(LOGLABS), LOGLABS);
  });
});

describe('MLflow file store: formats across versions', () => {
  /** A store with what MLflow 1.x/2.x write that the real fixtures happen not to contain. */
  function syntheticStore(): string {
    const root = join(tempDir(), 'mlruns');
    write(join(root, '0/meta.yaml'), "artifact_location: file:///C:/work/mlruns/0\nexperiment_id: '0'\nlifecycle_stage: active\nname: Default\n");
    const exp = join(root, '271828182845904523');
    write(join(exp, 'meta.yaml'), [
      "artifact_location: mlflow-artifacts:/271828182845904523", 'creation_time: 1700000000000',
      "experiment_id: '271828182845904523'", 'last_update_time: 1700000000001', 'lifecycle_stage: active', 'name: Titanic', '',
    ].join('\n'));
    write(join(exp, 'tags/mlflow.note.content'), 'notes\nwith lines\n');
    // MLflow 2.x dataset + input layout (FileStore.log_inputs).
    write(join(exp, 'datasets/d41d8cd98f00b204e9800998ecf8427e/meta.yaml'), [
      'digest: 1f2e3d4c', 'name: titanic-train', 'profile: \'{"num_rows": 891}\'',
      'schema: \'{"mlflow_colspec": [{"type": "long", "name": "Survived"}]}\'',
      'source: \'{"uri": "data/train.csv"}\'', 'source_type: local', '',
    ].join('\n'));
    const run = (id: string, meta: Record<string, string | number | null>): string => {
      const dir = join(exp, id);
      const lines = Object.entries({
        artifact_uri: `file:///C:/Users/me/mlruns/271828182845904523/${id}/artifacts`, end_time: null,
        entry_point_name: "''", experiment_id: "'271828182845904523'", lifecycle_stage: 'active', run_id: id, run_uuid: id,
        source_name: "''", source_type: 4, source_version: "''", start_time: 1700000000000, status: 1, tags: '[]', user_id: 'me',
        ...meta,
      }).map(([k, v]) => `${k}: ${v === null ? 'null' : v}`);
      write(join(dir, 'meta.yaml'), `${lines.join('\n')}\n`);
      return dir;
    };
    const a = run('aaaa', { run_name: 'brave-owl-12', status: 3, end_time: 1700000009999 });
    write(join(a, 'metrics/loss'), '1700000000003 0.5 2\n1700000000001 0.9 0\n1700000000002 nan 1\n1700000000004 inf 3\n1700000000005 -inf 4\n');
    write(join(a, 'metrics/old'), '1500000000000 0.25\n1500000000001 0.5\n'); // before steps: two fields
    write(join(a, 'metrics/eval/accuracy'), '1700000000000 0.8 0\n'); // key with "/"
    write(join(a, 'metrics/tie'), '1700000000000 1 0\n1700000000000 2 0\n'); // equal step and time: file order
    write(join(a, 'params/note'), 'line one\nline two\n'); // trailing newline is part of the value
    write(join(a, 'params/optimizer/lr'), '0.001');
    write(join(a, 'params/__proto__'), 'harmless');
    write(join(a, 'tags/mlflow.source.git.branch'), 'main');
    write(join(a, 'tags/mlflow.source.git.commit'), 'abc123');
    write(join(a, 'tags/mlflow.source.git.repoURL'), 'git@example.com:me/repo.git');
    write(join(a, 'inputs/0cc175b9c0f1b6a831c399e269772661/meta.yaml'), [
      'destination_id: d41d8cd98f00b204e9800998ecf8427e', 'destination_type: RUN',
      'source_id: d41d8cd98f00b204e9800998ecf8427e', 'source_type: DATASET', 'tags:', '  mlflow.data.context: training', '',
    ].join('\n'));
    run('bbbb', { status: 2 });
    run('cccc', { status: 4, lifecycle_stage: 'deleted', start_time: 1700000000500 });
    run('dddd', { status: 5, start_time: null });
    run('eeee', { status: 'FINISHED', start_time: 1600000000000 }); // a name instead of a code: taken as well
    // Not experiments / not runs: must be passed over silently.
    write(join(root, '.trash/5/meta.yaml'), "experiment_id: '5'\nlifecycle_stage: deleted\nname: gone\n");
    write(join(root, 'models/my-model/meta.yaml'), 'name: my-model\n');
    write(join(exp, 'traces/tr-1/trace_info.yaml'), 'request_id: tr-1\n');
    write(join(exp, '.DS_Store'), 'junk');
    return root;
  }

  it('reads every field kind: statuses, run_name, NaN/±Infinity, two-field lines, nested keys, datasets', async () => {
    const store = await readFileStore(syntheticStore());
    assert.deepEqual(store.problems, []);
    assert.deepEqual(store.experiments.map((e) => e.experimentId), ['0', '271828182845904523']);
    const titanic = store.experiments[1];
    assert.equal(titanic.creationTime, 1700000000000);
    assert.equal(titanic.lastUpdateTime, 1700000000001);
    assert.equal(titanic.tags['mlflow.note.content'], 'notes\nwith lines\n');
    assert.equal(store.experiments[0].artifactLocation, 'file:///C:/work/mlruns/0');

    assert.deepEqual(store.runs.map((r) => [r.runId, r.status, r.mlflowStatus, r.lifecycleStage]), [
      // newest first within the experiment; a run without start time last
      ['cccc', 'failed', 'FAILED', 'deleted'],
      ['aaaa', 'finished', 'FINISHED', 'active'],
      ['bbbb', 'running', 'SCHEDULED', 'active'],
      ['eeee', 'finished', 'FINISHED', 'active'],
      ['dddd', 'killed', 'KILLED', 'active'],
    ]);
    const a = runOf(store, 'aaaa');
    assert.equal(a.name, 'brave-owl-12');
    assert.equal(a.endTime, 1700000009999);
    assert.equal(runOf(store, 'bbbb').endTime, null);
    assert.equal(runOf(store, 'dddd').startTime, null);
    assert.equal(a.artifactUri, 'file:///C:/Users/me/mlruns/271828182845904523/aaaa/artifacts');
    assert.deepEqual(a.git, { commit: 'abc123', branch: 'main', repoUrl: 'git@example.com:me/repo.git' });
    assert.equal(a.user, 'me');
    const loss = a.metrics.loss.map((p) => [p.step, p.timestamp, p.value]);
    assert.deepEqual(loss, [[0, 1700000000001, 0.9], [1, 1700000000002, NaN], [2, 1700000000003, 0.5],
      [3, 1700000000004, Infinity], [4, 1700000000005, -Infinity]]);
    assert.deepEqual(a.metrics.old.map((p) => [p.step, p.value]), [[0, 0.25], [0, 0.5]]);
    assert.deepEqual(a.metrics['eval/accuracy'].map((p) => p.value), [0.8]);
    assert.deepEqual(a.metrics.tie.map((p) => p.value), [1, 2]);
    assert.equal(a.params.note, 'line one\nline two\n');
    assert.equal(a.params['optimizer/lr'], '0.001');
    assert.equal(Object.getOwnPropertyDescriptor(a.params, '__proto__')?.value, 'harmless');
    assert.equal(Object.getPrototypeOf(a.params), null);
    assert.deepEqual(a.datasets.map((d) => ({ ...d, tags: plain(d.tags) })), [{
      name: 'titanic-train', digest: '1f2e3d4c', sourceType: 'local', source: '{"uri": "data/train.csv"}',
      schema: '{"mlflow_colspec": [{"type": "long", "name": "Survived"}]}', profile: '{"num_rows": 891}',
      context: 'training', tags: { 'mlflow.data.context': 'training' },
    }]);
  });

  it('agrees with the Python oracle on the synthetic store too (NaN, Infinity, two-field lines)', async (t) => {
    const why = oracleUnavailable();
    if (why) return t.skip(why);
    const root = syntheticStore();
    assertMatchesOracle(await readFileStore(root), root);
  });

  it('parses metric fields with Python\'s float()/int() rules, not JS Number()', () => {
    const problems = new Problems();
    const text = [
      '1 1e-08 0', '2 NaN 1', '3 -Infinity 2', '4 INF 3', '5 +inf 4', '6 .5 5', '7 -0.0 6', '8 5. 7', // accepted
      '9 0x1f 8', '10 1,5 9', '11  12', '12.0 1 10', '13 1 1e2', '14 infinityx 11', '\t15 2 12\r', // rejected, then one more accepted
    ].join('\n');
    const pts = parseMetricLines(text, 'm', problems);
    assert.deepEqual(pts.map((p) => [p.timestamp, p.value, p.step]), [
      [1, 1e-8, 0], [2, NaN, 1], [3, -Infinity, 2], [4, Infinity, 3], [5, Infinity, 4], [6, 0.5, 5], [7, -0, 6], [8, 5, 7],
      [15, 2, 12],
    ]);
    assert.deepEqual(problems.list.map((p) => p.line), [9, 10, 11, 12, 13, 14]);
  });

  it('throws when the store folder itself does not exist', async () => {
    await assert.rejects(readFileStore(join(tempDir(), 'nope')), /ENOENT/);
  });

  it('stops when aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(readFileStore(PACKT, { signal: ac.signal }), { name: 'AbortError' });
  });
});

describe('MLflow file store: damaged stores (temp copies of the real ones)', () => {
  const RUN_A = '1/34e6c900bbec484aa32ca9a4827a0c85';
  const RUN_B = '1/a7455f84da244022855a52b3921795f6';

  it('a run meta.yaml that cannot be read (a folder in its place) skips that run only', async () => {
    const root = copyFixture(PACKT, 'mlruns');
    rmSync(join(root, RUN_A, 'meta.yaml'));
    mkdirSync(join(root, RUN_A, 'meta.yaml'));
    const store = await readFileStore(root);
    assert.deepEqual(store.runs.map((r) => r.runId), ['a7455f84da244022855a52b3921795f6']);
    assert.equal(store.problems.length, 1);
    assert.equal(store.problems[0].file, `${RUN_A}/meta.yaml`);
    assert.match(store.problems[0].message, /cannot read: EISDIR/);
    assert.equal(store.experiments.length, 2);
  });

  it('a missing metric file just drops that metric; a dangling param file is reported', async () => {
    const root = copyFixture(PACKT, 'mlruns');
    rmSync(join(root, RUN_A, 'metrics/val_accuracy'));
    rmSync(join(root, RUN_A, 'params/lr'));
    symlinkSync(join(root, 'does-not-exist'), join(root, RUN_A, 'params/lr'));
    const store = await readFileStore(root);
    const run = runOf(store, '34e6c900bbec484aa32ca9a4827a0c85');
    assert.equal(run.metrics.val_accuracy, undefined);
    assert.equal(Object.keys(run.metrics).length, 9);
    assert.equal(run.params.lr, undefined);
    assert.equal(run.params.betas, '(0.9, 0.999)');
    assert.deepEqual(store.problems.map((p) => p.file), [`${RUN_A}/params/lr`]);
    assert.match(store.problems[0].message, /ENOENT/);
    assert.equal(runOf(store, 'a7455f84da244022855a52b3921795f6').params.lr, '0.01');
  });

  it('metric lines that do not parse are reported with their line number; the other points stay', async () => {
    const root = copyFixture(PACKT, 'mlruns');
    const file = join(root, RUN_B, 'metrics/train_accuracy_step');
    writeFileSync(file, '1677122309146 0.5 0\ngarbage\n1677122309147 abc 1\n1677122309148 0.75 2\n1677122309149 0.8 x\n1 2 3 4\n');
    const store = await readFileStore(root);
    assert.deepEqual(runOf(store, 'a7455f84da244022855a52b3921795f6').metrics.train_accuracy_step.map((p) => [p.step, p.value]),
      [[0, 0.5], [2, 0.75]]);
    const rel = `${RUN_B}/metrics/train_accuracy_step`;
    assert.deepEqual(store.problems.map((p) => [p.file, p.line]), [[rel, 2], [rel, 3], [rel, 5], [rel, 6]]);
    assert.match(store.problems[1].message, /value "abc" is not a number/);
    assert.match(store.problems[2].message, /step "x" is not an integer/);
    assert.match(store.problems[3].message, /found 4 fields/);
    assert.equal(runOf(store, '34e6c900bbec484aa32ca9a4827a0c85').metrics.train_accuracy_step.length, 1);
  });

  it('a file of bad lines lists the first 20 and summarizes the rest', async () => {
    const root = copyFixture(PACKT, 'mlruns');
    writeFileSync(join(root, RUN_B, 'metrics/val_accuracy'), 'x\n'.repeat(1000));
    const store = await readFileStore(root);
    assert.equal(store.problems.length, 21);
    assert.match(store.problems[20].message, /980 more metric lines/);
    assert.equal(runOf(store, 'a7455f84da244022855a52b3921795f6').metrics.val_accuracy, undefined);
  });

  it('a broken experiment meta.yaml skips that experiment; the other one and its runs are read', async () => {
    const root = copyFixture(PACKT, 'mlruns');
    writeFileSync(join(root, '0/meta.yaml'), 'name: [unclosed\n  experiment_id: : :\n');
    const store = await readFileStore(root);
    assert.deepEqual(store.experiments.map((e) => e.name), ['dl_model_chapter02']);
    assert.equal(store.runs.length, 2);
    assert.equal(store.problems.length, 1);
    assert.equal(store.problems[0].file, '0/meta.yaml');
    assert.match(store.problems[0].message, /not valid YAML/);
  });

  it('a broken run meta.yaml, an empty one, a wrong experiment id and a folder without meta.yaml are each reported', async () => {
    const root = copyFixture(LOGLABS, 'mlruns');
    const runs = readdirSync(join(root, '0')).filter((n) => n !== 'meta.yaml').sort();
    writeFileSync(join(root, '0', runs[0], 'meta.yaml'), 'status: [3\n');
    writeFileSync(join(root, '0', runs[1], 'meta.yaml'), '');
    writeFileSync(join(root, '0', runs[2], 'meta.yaml'), `experiment_id: '7'\nrun_id: ${runs[2]}\nstatus: 3\n`);
    mkdirSync(join(root, '0', 'not-a-run'));
    mkdirSync(join(root, 'stray-folder'));
    writeFileSync(join(root, '0', runs[3], 'tags/mlflow.user'), Buffer.from([0x62, 0xff, 0x6f]));
    writeFileSync(join(root, '0', runs[4], 'meta.yaml'), `experiment_id: '0'\nrun_id: ${runs[4]}\nstatus: 9\nlifecycle_stage: limbo\n`);
    const store = await readFileStore(root);
    assert.equal(store.runs.length, 47 - 3);
    const byFile = new Map(store.problems.map((p) => [p.file, p.message]));
    assert.match(byFile.get(`0/${runs[0]}/meta.yaml`) ?? '', /not valid YAML/);
    assert.match(byFile.get(`0/${runs[1]}/meta.yaml`) ?? '', /empty meta.yaml/);
    assert.match(byFile.get(`0/${runs[2]}/meta.yaml`) ?? '', /experiment_id "7".*skipped/);
    assert.match(byFile.get('0/not-a-run/meta.yaml') ?? '', /no meta.yaml/);
    assert.match(byFile.get('stray-folder/meta.yaml') ?? '', /no meta.yaml/);
    assert.match(byFile.get(`0/${runs[3]}/tags/mlflow.user`) ?? '', /not valid UTF-8/);
    assert.equal(runOf(store, runs[3]).tags['mlflow.user'], 'b\ufffdo');
    const odd = runOf(store, runs[4]);
    assert.equal(odd.status, 'failed');
    assert.equal(odd.mlflowStatus, '9');
    assert.equal(odd.lifecycleStage, 'active');
    assert.equal(store.problems.filter((p) => p.file === `0/${runs[4]}/meta.yaml`).length, 2);
    assert.equal(store.problems.length, 8);
  });
});
