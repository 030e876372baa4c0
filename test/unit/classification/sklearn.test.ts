// Our confusion matrices and classification reports against scikit-learn (test/oracles/classification_report.py).
// All cases go to scikit-learn in one Python process (before()); each it() then checks one case.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DecisionTreeClassifier } from 'ml-cart';
import {
  classificationReport, classificationReportMetrics, confusionFromPairs, parseCsvRecords,
} from '../../../src/core/classification';
import type { ClassificationReport, ConfusionMatrix } from '../../../src/core/model';
import { parseClassificationReportJson } from '../../../src/core/metricFiles';
import {
  assertMatchesSklearn, close, ROOT, rng, sklearnBatch, type OracleCase, type OracleLabel, type OracleResult,
} from './sklearnOracle';

interface Case extends OracleCase {
  name: string;
  names?: (l: string) => string;
  more?: (r: { cm: ConfusionMatrix; report: ClassificationReport; oracle: OracleResult }) => void;
}

function iris(): { yTrue: string[]; yPred: string[] } {
  const names = ['setosa', 'versicolor', 'virginica'];
  const yTrue: string[] = [];
  const yPred: string[] = [];
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < 50; i++) {
      yTrue.push(names[c]);
      // setosa always right; versicolor and virginica mixed up now and then.
      const wrong = c === 1 ? i % 12 === 0 : c === 2 ? i % 9 === 0 : false;
      yPred.push(wrong ? names[3 - c] : names[c]);
    }
  }
  return { yTrue, yPred };
}

function hundredClasses(): { yTrue: number[]; yPred: number[] } {
  const r = rng(20240601);
  const yTrue: number[] = [];
  const yPred: number[] = [];
  for (let i = 0; i < 4000; i++) {
    // Skewed class sizes, so weighted and macro averages differ.
    const t = Math.floor(100 * r() * r());
    yTrue.push(t);
    yPred.push(r() < 0.55 ? t : Math.floor(100 * r()));
  }
  return { yTrue, yPred };
}

/** A real model: ml-cart's decision tree on Titanic's numeric columns, trained on 600 rows, predicting the other 291. */
function titanic(): { yTrue: number[]; yPred: number[] } {
  const text = readFileSync(join(ROOT, 'test', 'fixtures', 'tabular', 'titanic-train.csv'), 'utf8');
  const [header, ...rows] = parseCsvRecords(text, ',').map((r) => r.cells);
  const col = (name: string) => {
    const i = header.indexOf(name);
    assert.ok(i >= 0, `column ${name}`);
    return i;
  };
  const features = ['Pclass', 'Age', 'SibSp', 'Parch', 'Fare'].map(col);
  const ages = rows.map((r) => r[col('Age')]).filter((a) => a !== '').map(Number).sort((a, b) => a - b);
  const medianAge = ages[Math.floor(ages.length / 2)];
  // A blank Age is filled with the median age.
  const X = rows.map((r) => features.map((i) => (r[i] === '' ? medianAge : Number(r[i]))));
  const y = rows.map((r) => Number(r[col('Survived')]));
  assert.equal(X.length, 891);
  const cut = 600;
  const tree = new DecisionTreeClassifier({ maxDepth: 5, minNumSamples: 5 });
  tree.train(X.slice(0, cut), y.slice(0, cut));
  return { yTrue: y.slice(cut), yPred: tree.predict(X.slice(cut)) };
}

const cases: Case[] = [
  {
    name: 'binary integer labels',
    yTrue: [0, 1, 1, 0, 1, 1, 0, 0, 1, 1], yPred: [0, 1, 0, 0, 1, 1, 1, 0, 1, 0],
    more: ({ report }) => assert.equal(report.accuracy, 0.7),
  },
  { name: 'binary string labels', yTrue: ['spam', 'ham', 'ham', 'spam', 'ham', 'ham'], yPred: ['spam', 'spam', 'ham', 'ham', 'ham', 'ham'] },
  {
    name: 'multi-class, iris-like: 3 classes of 50 with some confusion', ...iris(),
    more: ({ cm }) => assert.deepEqual(cm.counts, [[50, 0, 0], [0, 45, 5], [0, 6, 44]]),
  },
  {
    name: 'a class that is never predicted gets precision 0 (zero_division=0)',
    yTrue: ['a', 'b', 'c', 'c', 'b', 'a', 'c'], yPred: ['a', 'b', 'b', 'a', 'b', 'a', 'b'],
    more: ({ report }) => {
      const c = report.classes.find((x) => x.label === 'c');
      assert.deepEqual([c?.precision, c?.recall, c?.f1, c?.support], [0, 0, 0, 3]);
    },
  },
  {
    name: 'a label given in `labels` with zero support (never predicted) stays in the report',
    yTrue: ['a', 'b', 'a', 'b', 'c'], yPred: ['a', 'a', 'a', 'b', 'b'], labels: ['a', 'b', 'c', 'd'],
    more: ({ report }) => {
      assert.deepEqual(report.classes[3], { label: 'd', precision: 0, recall: 0, f1: 0, support: 0 });
      assert.equal(report.macro.support, 5);
    },
  },
  {
    name: 'a zero-support label that is predicted: precision 0, recall 0',
    yTrue: [1, 2, 3, 1, 2], yPred: [1, 2, 4, 4, 2], labels: [1, 2, 3, 4],
  },
  {
    name: 'integer labels sort numerically like unique_labels (10 after 9, negatives first)',
    yTrue: [10, 9, 100, -1, 2, 10, 9], yPred: [10, 2, 100, -1, 9, 9, 9],
    more: ({ cm }) => assert.deepEqual(cm.labels, ['-1', '2', '9', '10', '100']),
  },
  {
    name: 'string labels sort by code point like Python (case, digits, accents, astral characters)',
    yTrue: ['b', 'a', 'B', 'é', '10', '9', 'Z', '\u{1F600}', '\uFF5E', 'a b', ''],
    yPred: ['a', 'B', 'é', '10', '9', 'Z', '\u{1F600}', '\uFF5E', 'a b', '', 'b'],
    more: ({ cm }) => assert.deepEqual(cm.labels, ['', '10', '9', 'B', 'Z', 'a', 'a b', 'b', 'é', '\uFF5E', '\u{1F600}']),
  },
  {
    name: 'boolean labels: false before true',
    yTrue: [true, false, true, true, false], yPred: [true, true, false, true, false],
    names: (l) => (l === 'true' ? 'True' : 'False'),
    more: ({ cm }) => assert.deepEqual(cm.labels, ['false', 'true']),
  },
  {
    name: '100 classes, seeded random labels and errors (averages over many classes)', ...hundredClasses(),
    more: ({ cm, report }) => {
      assert.ok(cm.labels.length > 90);
      assert.notEqual(report.macro.f1, report.weighted.f1);
    },
  },
  {
    name: 'Titanic: predictions of a real ml-cart decision tree', ...titanic(),
    more: ({ report }) => assert.ok(report.accuracy > 0.6 && report.accuracy < 0.95, `accuracy ${report.accuracy}`),
  },
];

describe('classification report = scikit-learn classification_report(output_dict=True, zero_division=0)', () => {
  // One Python run for every case; if it fails (no scikit-learn), every test fails with its message.
  let result: { ok: OracleResult[] } | { error: unknown } | undefined;
  const oracleFor = (i: number): OracleResult => {
    if (result === undefined) {
      try {
        result = { ok: sklearnBatch(cases) };
      } catch (error) {
        result = { error };
      }
    }
    if ('error' in result) throw result.error;
    return result.ok[i];
  };

  cases.forEach((c, i) => {
    it(c.name, () => {
      const cm = confusionFromPairs(c.yTrue as OracleLabel[], c.yPred as OracleLabel[], c.labels?.map(String));
      const report = classificationReport(cm);
      const oracle = oracleFor(i);
      assertMatchesSklearn(cm, report, oracle, c.names);
      c.more?.({ cm, report, oracle });
    });
  });

  it("scikit-learn's own report JSON reads back into the names classificationReportMetrics gives", () => {
    for (const i of [2, 4, 9]) {
      const c = cases[i];
      const ours = classificationReportMetrics(classificationReport(confusionFromPairs(c.yTrue, c.yPred, c.labels?.map(String))));
      const theirs = parseClassificationReportJson(oracleFor(i).report);
      // With extra labels scikit-learn writes "micro avg" where it would write "accuracy".
      if ('micro_avg.precision' in theirs) {
        assert.equal(ours.accuracy, theirs['micro_avg.precision']);
        for (const f of ['precision', 'recall', 'f1', 'support']) delete theirs[`micro_avg.${f}`];
        delete ours.accuracy;
      }
      assert.deepEqual(Object.keys(ours).sort(), Object.keys(theirs).sort());
      for (const k of Object.keys(ours)) close(ours[k], theirs[k], k);
    }
  });
});
