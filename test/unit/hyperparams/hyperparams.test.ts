// extractHyperParameters on plain objects, the real ml.js trainers and TensorFlow.js, with cycles and bounds.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { DecisionTreeClassifier, DecisionTreeRegression } from 'ml-cart';
import LogisticRegression from 'ml-logistic-regression';
import { Matrix } from 'ml-matrix';
import { RandomForestClassifier, RandomForestRegression } from 'ml-random-forest';
import {
  extractHyperParameters, HyperParameterError, MAX_KEY, MAX_PARAMS, MAX_VALUE,
} from '../../../src/core/hyperparams';
import type { ParamValue } from '../../../src/core/model';

tf.enableProdMode(); // quiets tfjs' "install the node backend" banner; changes no config

const throwsClear = (f: () => unknown, ...parts: string[]) =>
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof HyperParameterError, `expected a HyperParameterError, got ${String(e)}`);
    for (const p of parts) assert.ok(e.message.includes(p), `message "${e.message}" lacks "${p}"`);
    return true;
  });

/** Every value is a JSON scalar the event log accepts: no learned state can hide in an object or array. */
function assertLoggable(params: Record<string, ParamValue>): void {
  for (const [k, v] of Object.entries(params)) {
    assert.ok(v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)), `${k} = ${String(v)}`);
  }
  assert.doesNotThrow(() => JSON.parse(JSON.stringify(params)));
}

// Two separable blobs in 4 dimensions, 60 rows: enough for out-of-bag estimates of a small forest.
const X: number[][] = [];
const y: number[] = [];
for (let i = 0; i < 60; i++) {
  const c = i % 2;
  X.push([c * 3 + (i % 5) * 0.1, c * 2 - (i % 3) * 0.2, (i % 7) * 0.05, c + (i % 4) * 0.1]);
  y.push(c);
}

describe('plain option objects', () => {
  it('nested objects become dotted names, scalar arrays a JSON string, algorithm from the name field', () => {
    const hp = extractHyperParameters({ learningRate: 0.1, layers: [64, 32], optimizer: { name: 'adam', beta1: 0.9 }, name: 'mlp' });
    assert.deepEqual(hp, {
      algorithm: 'mlp',
      params: { learningRate: 0.1, layers: '[64,32]', 'optimizer.name': 'adam', 'optimizer.beta1': 0.9 },
    });
  });

  it('algorithm: the `algorithm` field first, then `name`, then `type`, else "unknown"', () => {
    assert.deepEqual(extractHyperParameters({ name: 'run-7', algorithm: 'xgboost', depth: 3 }), { algorithm: 'xgboost', params: { name: 'run-7', depth: 3 } });
    assert.deepEqual(extractHyperParameters({ type: 'svm', c: 1 }), { algorithm: 'svm', params: { c: 1 } });
    assert.deepEqual(extractHyperParameters({ c: 1, name: 42 }), { algorithm: 'unknown', params: { c: 1, name: 42 } });
  });

  it('arrays of objects are indexed; nested scalar arrays stay one JSON string', () => {
    const hp = extractHyperParameters({ stages: [{ units: 8 }, { units: 4, dropout: 0.5 }], shape: [[null, 3], [2]], empty: [] });
    assert.deepEqual(hp.params, {
      'stages.0.units': 8, 'stages.1.units': 4, 'stages.1.dropout': 0.5, shape: '[[null,3],[2]]', empty: '[]',
    });
  });

  it('non-finite numbers, dates, bigints, null; functions, undefined, typed arrays and class instances left out', () => {
    class Weights { w = [1, 2, 3]; }
    const hp = extractHyperParameters({
      maxDepth: Infinity, minGain: -Infinity, tol: NaN, since: new Date(Date.UTC(2024, 0, 2)), big: 2n ** 70n, small: 5n,
      seed: null, callback: () => 1, missing: undefined, weights: new Float64Array(3), model: new Weights(),
      grid: [1, Infinity],
    });
    assert.deepEqual(hp.params, {
      maxDepth: 'Infinity', minGain: '-Infinity', tol: 'NaN', since: '2024-01-02T00:00:00.000Z',
      big: '1180591620717411303424', small: 5, seed: null, grid: '[1,"Infinity"]',
    });
  });

  it('the same object twice (no cycle) is fine', () => {
    const shared = { a: 1 };
    assert.deepEqual(extractHyperParameters({ x: shared, y: shared }).params, { 'x.a': 1, 'y.a': 1 });
  });

  it('bad trainers', () => {
    throwsClear(() => extractHyperParameters(null), 'must be an object', 'got null');
    throwsClear(() => extractHyperParameters(3), 'got a number');
    throwsClear(() => extractHyperParameters([1, 2]), 'got an array');
    throwsClear(() => extractHyperParameters(DecisionTreeClassifier), 'DecisionTreeClassifier itself', 'new DecisionTreeClassifier(options)');
  });
});

describe('ml.js trainers (read from the instance, before and after train)', () => {
  it('ml-cart DecisionTreeClassifier: its options; the tree is learned state', () => {
    const dt = new DecisionTreeClassifier({ maxDepth: 4, minNumSamples: 2 });
    const before = extractHyperParameters(dt);
    assert.deepEqual(before, {
      algorithm: 'DecisionTreeClassifier',
      params: { gainFunction: 'gini', splitFunction: 'mean', minNumSamples: 2, maxDepth: 4, gainThreshold: 0.01, kind: 'classifier' },
    });
    dt.train(X, y);
    assert.ok(dt.root, 'trained');
    assert.deepEqual(extractHyperParameters(dt), before);
  });

  it('ml-cart defaults: maxDepth Infinity is logged as "Infinity"', () => {
    const hp = extractHyperParameters(new DecisionTreeRegression());
    assert.equal(hp.algorithm, 'DecisionTreeRegression');
    assert.deepEqual(hp.params, { gainFunction: 'regression', splitFunction: 'mean', minNumSamples: 3, maxDepth: 'Infinity', kind: 'regression' });
  });

  it('ml-cart DecisionTreeRegression after train', () => {
    const dt = new DecisionTreeRegression({ maxDepth: 3 });
    const before = extractHyperParameters(dt);
    dt.train(X, X.map((r) => r[0] + r[1]));
    assert.deepEqual(extractHyperParameters(dt), before);
  });

  it('ml-random-forest RandomForestClassifier: settings and treeOptions.*; estimators, indexes, OOB results left out', () => {
    const rf = new RandomForestClassifier({ nEstimators: 25, maxFeatures: 0.5, seed: 7, treeOptions: { maxDepth: 3, minNumSamples: 2 } });
    const before = extractHyperParameters(rf);
    assert.deepEqual(before, {
      algorithm: 'RandomForestClassifier',
      params: {
        replacement: true, maxFeatures: 0.5, nEstimators: 25, 'treeOptions.maxDepth': 3, 'treeOptions.minNumSamples': 2,
        isClassifier: true, seed: 7, useSampleBagging: true, noOOB: false,
      },
    });
    rf.train(X, y);
    const trained = rf as unknown as Record<string, unknown>;
    for (const k of ['estimators', 'indexes', 'oobResults', 'n', 'numberFeatures', 'numberSamples']) assert.notEqual(trained[k], undefined, `${k} is set by train()`);
    assert.deepEqual(extractHyperParameters(rf), before);
  });

  it('ml-random-forest RandomForestRegression: selectionMethod', () => {
    const rf = new RandomForestRegression({ nEstimators: 25, selectionMethod: 'median', maxFeatures: 2 });
    const before = extractHyperParameters(rf);
    assert.equal(before.algorithm, 'RandomForestRegression');
    assert.equal(before.params.selectionMethod, 'median');
    assert.equal(before.params.maxFeatures, 2);
    rf.train(X, X.map((r) => r[0]));
    assert.deepEqual(extractHyperParameters(rf), before);
  });

  it('ml-logistic-regression LogisticRegression: numSteps, learningRate; classifiers and class count left out', () => {
    const lr = new LogisticRegression({ numSteps: 200, learningRate: 0.01 });
    const before = extractHyperParameters(lr);
    assert.deepEqual(before, { algorithm: 'LogisticRegression', params: { numSteps: 200, learningRate: 0.01 } });
    lr.train(new Matrix(X), Matrix.columnVector(y));
    assert.equal(lr.classifiers.length, 2);
    assert.deepEqual(extractHyperParameters(lr), before);
  });

  it('any other class: public own fields, `options` lifted, `_private` and learned objects left out', () => {
    class MyTrainer {
      options = { k: 5, metric: 'euclidean' };
      verbose = true;
      _cache = 3;
      model = new Matrix(2, 2);
      history = new Float32Array(10);
      predict(): number { return 0; }
    }
    assert.deepEqual(extractHyperParameters(new MyTrainer()), { algorithm: 'MyTrainer', params: { k: 5, metric: 'euclidean', verbose: true } });
  });
});

describe('TensorFlow.js (getConfig)', () => {
  function model(): tf.Sequential {
    const m = tf.sequential({ name: 'titanic_mlp' });
    m.add(tf.layers.dense({ units: 16, inputShape: [5], activation: 'relu', kernelInitializer: 'heNormal' }));
    m.add(tf.layers.dropout({ rate: 0.25 }));
    m.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
    return m;
  }

  it('a Sequential model: layers flattened as layers.<i>.<setting>, initializers by class name', () => {
    const hp = extractHyperParameters(model());
    assert.equal(hp.algorithm, 'Sequential');
    const p = hp.params;
    assert.equal(p.name, 'titanic_mlp');
    assert.equal(p['layers.0'], 'Dense');
    assert.equal(p['layers.0.units'], 16);
    assert.equal(p['layers.0.activation'], 'relu');
    assert.equal(p['layers.0.kernelInitializer'], 'VarianceScaling'); // heNormal is VarianceScaling(scale 2, fanIn, normal)
    assert.equal(p['layers.0.kernelInitializer.scale'], 2);
    assert.equal(p['layers.0.kernelInitializer.mode'], 'fanIn');
    assert.equal(p['layers.0.batchInputShape'], '[null,5]');
    assert.equal(p['layers.1'], 'Dropout');
    assert.equal(p['layers.1.rate'], 0.25);
    assert.equal(p['layers.2.units'], 1);
    assert.equal(p['layers.2.activation'], 'sigmoid');
    assert.equal(p.optimizer, undefined, 'not compiled: no optimizer');
    assertLoggable(p);
  });

  it('an optimizer alone: algorithm = its class, params optimizer.*', () => {
    assert.deepEqual(extractHyperParameters(tf.train.adam(0.001)), {
      algorithm: 'Adam',
      params: { optimizer: 'Adam', 'optimizer.learningRate': 0.001, 'optimizer.beta1': 0.9, 'optimizer.beta2': 0.999, 'optimizer.epsilon': 1e-7 },
    });
    assert.deepEqual(extractHyperParameters(tf.train.sgd(0.1)), { algorithm: 'SGD', params: { optimizer: 'SGD', 'optimizer.learningRate': 0.1 } });
  });

  it('a compiled model records optimizer, loss and metrics; training changes nothing and adds no weights', async () => {
    const m = model();
    m.compile({ optimizer: tf.train.adam(0.005), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const before = extractHyperParameters(m);
    assert.equal(before.params.optimizer, 'Adam');
    assert.equal(before.params['optimizer.learningRate'], 0.005);
    assert.equal(before.params.loss, 'binaryCrossentropy');
    assert.equal(before.params.metrics, '["accuracy"]');
    const xs = tf.tensor2d(X.map((r) => [...r, 1]));
    const ys = tf.tensor2d(y.map((v) => [v]));
    await m.fit(xs, ys, { epochs: 2, batchSize: 16, verbose: 0 });
    xs.dispose();
    ys.dispose();
    const after = extractHyperParameters(m);
    assert.deepEqual(after, before);
    assert.ok(Object.keys(after.params).length < 80);
    assertLoggable(after.params);
  });

  it('a compiled model with a custom loss function: its name', () => {
    const m = model();
    m.compile({ optimizer: 'sgd', loss: function focalLoss(a: tf.Tensor, b: tf.Tensor) { return tf.losses.meanSquaredError(a, b); } });
    const p = extractHyperParameters(m).params;
    assert.equal(p.loss, 'focalLoss');
    assert.equal(p.optimizer, 'SGD');
  });

  it('a functional model (tf.model)', () => {
    const input = tf.input({ shape: [3] });
    const output = tf.layers.dense({ units: 2 }).apply(input) as tf.SymbolicTensor;
    const hp = extractHyperParameters(tf.model({ inputs: input, outputs: output }));
    assert.equal(hp.algorithm, 'Model');
    const denseUnits = Object.entries(hp.params).find(([k, v]) => /^layers\.\d+\.units$/.test(k) && v === 2);
    assert.ok(denseUnits);
    assertLoggable(hp.params);
  });

  it('an optimizer inside an options object', () => {
    const hp = extractHyperParameters({ epochs: 10, optimizer: tf.train.rmsprop(0.01) });
    assert.equal(hp.params.optimizer, 'RMSProp');
    assert.equal(hp.params['optimizer.learningRate'], 0.01);
    assert.equal(hp.params.epochs, 10);
  });

  it('any object exposing getConfig()', () => {
    const booster = { getConfig: () => ({ eta: 0.3, maxDepth: 6, objective: 'binary:logistic' }), getClassName: () => 'Booster' };
    assert.deepEqual(extractHyperParameters(booster), { algorithm: 'Booster', params: { eta: 0.3, maxDepth: 6, objective: 'binary:logistic' } });
    assert.deepEqual(extractHyperParameters({ getConfig: () => ({ algorithm: 'knn', k: 3 }) }), { algorithm: 'knn', params: { algorithm: 'knn', k: 3 } });
    throwsClear(() => extractHyperParameters({ getConfig: () => { throw new Error('not built'); } }), 'getConfig() of the trainer failed', 'not built');
  });
});

describe('cycles', () => {
  it('an object that contains itself', () => {
    const o: Record<string, unknown> = { a: 1, inner: { b: 2 } };
    (o.inner as Record<string, unknown>).back = o;
    throwsClear(() => extractHyperParameters(o), '"inner.back"', 'refers back to the trainer itself', 'cycle');
  });

  it('a cycle below the top', () => {
    const inner: Record<string, unknown> = { b: 2 };
    inner.self = inner;
    throwsClear(() => extractHyperParameters({ inner }), '"inner.self" refers back to "inner"');
  });

  it('a cycle through an array of scalars and arrays', () => {
    const arr: unknown[] = [1, 2];
    arr.push(arr);
    throwsClear(() => extractHyperParameters({ arr }), 'cycle');
  });

  it('a cycle in a class instance options object', () => {
    class T { options: Record<string, unknown> = { k: 1 }; }
    const t = new T();
    t.options.again = t.options;
    throwsClear(() => extractHyperParameters(t), '"again"', 'cycle');
  });

  it('a getConfig() that returns its owner', () => {
    const t: { getConfig: () => unknown } = { getConfig: () => ({ me: t }) };
    throwsClear(() => extractHyperParameters(t), '"me"', 'cycle');
  });
});

describe('bounds', () => {
  const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, i]));

  it(`${MAX_PARAMS} parameters pass, one more is an error naming it`, () => {
    assert.equal(Object.keys(extractHyperParameters(many(MAX_PARAMS)).params).length, MAX_PARAMS);
    throwsClear(() => extractHyperParameters(many(MAX_PARAMS + 1)), `more than ${MAX_PARAMS} parameters`, `"p${MAX_PARAMS}"`);
  });

  it(`names up to ${MAX_KEY} characters, also when built from nested names`, () => {
    assert.doesNotThrow(() => extractHyperParameters({ ['k'.repeat(MAX_KEY)]: 1 }));
    throwsClear(() => extractHyperParameters({ ['k'.repeat(MAX_KEY + 1)]: 1 }), `longer than ${MAX_KEY}`);
    throwsClear(() => extractHyperParameters({ ['a'.repeat(200)]: { ['b'.repeat(60)]: 1 } }), `longer than ${MAX_KEY}`);
    throwsClear(() => extractHyperParameters({ '': 1 }), 'empty name');
  });

  it(`string values up to ${MAX_VALUE} characters; longer is an error naming the parameter (never truncated)`, () => {
    assert.doesNotThrow(() => extractHyperParameters({ prompt: 'x'.repeat(MAX_VALUE) }));
    throwsClear(() => extractHyperParameters({ prompt: 'x'.repeat(MAX_VALUE + 1) }), 'parameter "prompt"', `more than ${MAX_VALUE}`);
    throwsClear(() => extractHyperParameters({ weights: Array.from({ length: 5000 }, (_, i) => i / 7) }), 'parameter "weights"', 'characters long');
  });

  it('a dotted name and a nested object that collide', () => {
    throwsClear(() => extractHyperParameters({ 'opt.lr': 1, opt: { lr: 2 } }), '"opt.lr" is given twice');
  });

  it('an over-long algorithm name', () => {
    throwsClear(() => extractHyperParameters({ algorithm: 'a'.repeat(300) }), 'algorithm name');
  });

  it('a large TF.js model past the parameter bound says what to do', () => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: 4, inputShape: [4] }));
    for (let i = 0; i < 60; i++) m.add(tf.layers.dense({ units: 4 }));
    throwsClear(() => extractHyperParameters(m), `more than ${MAX_PARAMS} parameters`, 'log a plain object');
  });
});
