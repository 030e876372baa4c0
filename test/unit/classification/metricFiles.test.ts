// Metrics files written by real tools (test/fixtures/metrics, see SOURCES.md there) and by hand.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  MetricsFileError, parseClassificationReportJson, parseJsonAllowingNonFinite, parseMetricsFile, parseTrainerState,
  type MetricPoint,
} from '../../../src/core/metricFiles';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'metrics');
const WINE = 'ivan-koptiev_wine_classification_report.json';
const TRAINER_STATE = join('hf-trainer-state', 'trainer_state.json');
const read = (f: string) => readFileSync(join(FIXTURES, f), 'utf8');

const throwsClear = (f: () => unknown, ...parts: string[]) =>
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof MetricsFileError, `expected a MetricsFileError, got ${String(e)}`);
    for (const p of parts) assert.ok(e.message.includes(p), `message "${e.message}" lacks "${p}"`);
    return true;
  });

describe('scikit-learn classification_report(output_dict=True) JSON', () => {
  it('the real wine report: every figure under its documented name', () => {
    const m = parseClassificationReportJson(JSON.parse(read(WINE)));
    assert.deepEqual(m, {
      'class_0.precision': 0.95, 'class_0.recall': 1.0, 'class_0.f1': 0.9743589743589743, 'class_0.support': 19,
      'class_1.precision': 1.0, 'class_1.recall': 0.9523809523809523, 'class_1.f1': 0.975609756097561, 'class_1.support': 21,
      'class_2.precision': 1.0, 'class_2.recall': 1.0, 'class_2.f1': 1.0, 'class_2.support': 14,
      accuracy: 0.9814814814814815,
      'macro_avg.precision': 0.9833333333333334, 'macro_avg.recall': 0.9841269841269842,
      'macro_avg.f1': 0.9833229101521784, 'macro_avg.support': 54,
      'weighted_avg.precision': 0.9824074074074074, 'weighted_avg.recall': 0.9814814814814815,
      'weighted_avg.f1': 0.9814930627938757, 'weighted_avg.support': 54,
    });
  });

  it('through parseMetricsFile: format and step 0', () => {
    const r = parseMetricsFile(read(WINE), WINE);
    assert.equal(r.format, 'classification-report');
    assert.equal(r.points.length, 21);
    assert.deepEqual(r.points.find((p) => p.key === 'accuracy'), { key: 'accuracy', value: 0.9814814814814815, step: 0 });
  });

  it('"micro avg" (written when labels is a subset) and NaN (zero_division=np.nan) are kept', () => {
    const text = '{"a": {"precision": NaN, "recall": 0.5, "f1-score": NaN, "support": 2}, "micro avg": {"precision": 0.5, "recall": 0.5, "f1-score": 0.5, "support": 2}}';
    const r = parseMetricsFile(text, 'report.json');
    const m = Object.fromEntries(r.points.map((p) => [p.key, p.value]));
    assert.ok(Number.isNaN(m['a.precision']));
    assert.equal(m['micro_avg.f1'], 0.5);
  });

  it('bad reports are refused clearly', () => {
    throwsClear(() => parseClassificationReportJson({ accuracy: 0.5 }), 'not a scikit-learn classification report');
    throwsClear(() => parseClassificationReportJson({ a: { precision: 'high', recall: 1 } }), '"a"."precision"', 'not a number');
    throwsClear(() => parseClassificationReportJson({ a: { precision: 1, recall: 1 }, b: 'x' }), '"b"');
    throwsClear(() => parseClassificationReportJson({ macro_avg: { precision: 1, recall: 1 }, 'macro avg': { precision: 1, recall: 1 } }), 'written twice');
  });
});

describe('Hugging Face trainer_state.json', () => {
  const state = JSON.parse(read(TRAINER_STATE)) as { log_history: Record<string, unknown>[] };

  it('the real file: every numeric log_history field at its step, epoch as its own metric', () => {
    const points = parseTrainerState(state);
    // Independent count: numeric fields other than step, minus an epoch repeated at the same step.
    let expected = 0;
    let last = '';
    for (const e of state.log_history) {
      for (const [k, v] of Object.entries(e)) {
        if (k === 'step' || typeof v !== 'number') continue;
        if (k === 'epoch') {
          const id = `${e.step}:${v}`;
          if (id === last) continue;
          last = id;
        }
        expected++;
      }
    }
    assert.equal(points.length, expected);
    const keys = new Set(points.map((p) => p.key));
    for (const k of ['loss', 'learning_rate', 'grad_norm', 'epoch', 'eval_g0_loss', 'eval_g0_accuracy']) assert.ok(keys.has(k), k);
    assert.ok(!keys.has('step'));
    const loss = points.filter((p) => p.key === 'loss');
    assert.equal(loss.length, 30);
    assert.deepEqual(loss[0], { key: 'loss', value: 1.1074, step: 401 });
    const epochs = points.filter((p) => p.key === 'epoch');
    assert.equal(epochs.length, 31);
    assert.deepEqual(epochs.slice(0, 2), [{ key: 'epoch', value: 0, step: 0 }, { key: 'epoch', value: 1, step: 401 }]);
    assert.equal(epochs.at(-1)?.step, 12030);
  });

  it('through parseMetricsFile', () => {
    const r = parseMetricsFile(read(TRAINER_STATE), 'trainer_state.json');
    assert.equal(r.format, 'hf-trainer-state');
    assert.equal(r.points.length, parseTrainerState(state).length);
  });

  it('a NaN loss written by Python is kept; strings, nulls and booleans are skipped', () => {
    const text = '{"log_history": [{"loss": NaN, "step": 10, "epoch": 0.5, "note": "x", "eval_loss": null, "flag": true}, {"train_loss": -Infinity, "step": 20}]}';
    const points = parseMetricsFile(text, 'trainer_state.json').points;
    assert.deepEqual(points.map((p) => [p.key, p.step]), [['loss', 10], ['epoch', 10], ['train_loss', 20]]);
    assert.ok(Number.isNaN(points[0].value));
    assert.equal(points[2].value, -Infinity);
  });

  it('an entry without a step, or no log_history, is an error', () => {
    throwsClear(() => parseTrainerState({ log_history: [{ loss: 1, step: 1 }, { loss: 2 }] }), 'log_history[1]', '"step"');
    throwsClear(() => parseTrainerState({ global_step: 3 }), 'no "log_history"');
  });
});

describe('flat metrics files (JSON, YAML)', () => {
  const byKey = (ps: MetricPoint[]) => ps.map((p) => [p.key, p.value, p.step]);

  it('flat JSON object at step 0', () => {
    const r = parseMetricsFile('{"accuracy": 0.81, "auc": 0.9}', 'metrics.json');
    assert.equal(r.format, 'flat');
    assert.deepEqual(byKey(r.points), [['accuracy', 0.81, 0], ['auc', 0.9, 0]]);
  });

  it('nested objects become dotted names; arrays are histories (Keras history.history)', () => {
    const r = parseMetricsFile('{"val": {"loss": 0.3}, "loss": [0.9, 0.5, 0.25]}', 'history.json');
    assert.deepEqual(byKey(r.points), [['val.loss', 0.3, 0], ['loss', 0.9, 0], ['loss', 0.5, 1], ['loss', 0.25, 2]]);
  });

  it('YAML, with .nan and .inf kept', () => {
    const r = parseMetricsFile('accuracy: 0.8\nloss: .nan\nperplexity: .inf\ntest:\n  f1: 0.7\n', 'metrics.yaml');
    const m = byKey(r.points);
    assert.deepEqual(m[0], ['accuracy', 0.8, 0]);
    assert.ok(Number.isNaN(m[1][1] as number));
    assert.deepEqual(m.slice(2), [['perplexity', Infinity, 0], ['test.f1', 0.7, 0]]);
  });

  it('the event-log spellings "NaN", "Infinity", "-Infinity" are numbers', () => {
    assert.deepEqual(byKey(parseMetricsFile('{"a": "Infinity", "b": "-Infinity"}', 'm.json').points), [['a', Infinity, 0], ['b', -Infinity, 0]]);
  });

  it('errors name the file and the metric', () => {
    throwsClear(() => parseMetricsFile('{"accuracy": "high"}', 'm.json'), 'm.json', 'metric "accuracy" is "high"', 'not a number');
    throwsClear(() => parseMetricsFile('{"loss": [1, "x"]}', 'm.json'), '"loss"[1]');
    throwsClear(() => parseMetricsFile('{"ok": null}', 'm.json'), 'metric "ok" is null');
    throwsClear(() => parseMetricsFile('', 'm.json'), 'm.json is empty');
    throwsClear(() => parseMetricsFile('{"a": 1,', 'm.json'), 'm.json is not valid JSON');
    throwsClear(() => parseMetricsFile('a: [1\nb', 'm.yaml'), 'm.yaml is not valid YAML');
    throwsClear(() => parseMetricsFile('[1, 2]', 'm.json'), 'm.json must hold an object', 'an array');
    throwsClear(() => parseMetricsFile('just text', 'm.yaml'), 'must hold an object');
    throwsClear(() => parseMetricsFile('{}', 'm.json'), 'm.json: it holds no numeric metrics');
    throwsClear(() => parseMetricsFile(JSON.stringify({ ['k'.repeat(251)]: 1 }), 'm.json'), 'longer than 250');
    throwsClear(() => parseMetricsFile('{"a.b": 1, "a": {"b": 2}}', 'm.json'), 'metric "a.b" is given twice');
  });
});

describe('parseJsonAllowingNonFinite', () => {
  it('leaves strings that contain NaN alone and rejects real syntax errors', () => {
    assert.deepEqual(parseJsonAllowingNonFinite('{"NaN": "NaN and Infinity", "x": [NaN, -Infinity, 1]}'),
      { NaN: 'NaN and Infinity', x: [NaN, -Infinity, 1] });
    assert.deepEqual(parseJsonAllowingNonFinite('{"s": "a \\" NaN"}'), { s: 'a " NaN' });
    assert.throws(() => parseJsonAllowingNonFinite('{"a": nope}'), SyntaxError);
    assert.throws(() => parseJsonAllowingNonFinite('{"a": NaNx}'), SyntaxError);
  });
});
