// Building, checking, normalizing and reading confusion matrices; every bad input gets a clear error.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ClassificationError, classificationReport, classificationReportMetrics, compareCodePoints, confusionFromPairs,
  MAX_LABELS, normalizeMatrix, numpySum, parseConfusionMatrixFile, validateMatrix,
} from '../../../src/core/classification';

const throwsClear = (f: () => unknown, ...parts: (string | RegExp)[]) =>
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof ClassificationError, `expected a ClassificationError, got ${String(e)}`);
    for (const p of parts) {
      if (typeof p === 'string') assert.ok(e.message.includes(p), `message "${e.message}" lacks "${p}"`);
      else assert.match(e.message, p);
    }
    return true;
  });

describe('confusionFromPairs', () => {
  it('counts[actual][predicted], labels default to the sorted union of both', () => {
    const m = confusionFromPairs(['cat', 'dog', 'cat', 'bird'], ['cat', 'cat', 'dog', 'bird']);
    assert.deepEqual(m, { labels: ['bird', 'cat', 'dog'], counts: [[1, 0, 0], [0, 1, 1], [0, 1, 0]] });
  });

  it('a label only in predicted is in the matrix too', () => {
    assert.deepEqual(confusionFromPairs([1, 1], [1, 7]).labels, ['1', '7']);
  });

  it('given labels fix the order and may hold absent classes', () => {
    const m = confusionFromPairs([0, 1, 1], [0, 0, 1], ['1', '0', '2']);
    assert.deepEqual(m, { labels: ['1', '0', '2'], counts: [[1, 1, 0], [0, 1, 0], [0, 0, 0]] });
  });

  it('different lengths: names both lengths', () => {
    throwsClear(() => confusionFromPairs([1, 2, 3], [1, 2]), 'actual has 3 values', 'predicted has 2');
  });

  it('empty input', () => {
    throwsClear(() => confusionFromPairs([], []), 'empty');
  });

  it('a value not in the given labels: names the value, where it is, and what to do', () => {
    throwsClear(() => confusionFromPairs(['a', 'b'], ['a', 'c'], ['a', 'b']), 'predicted[1]', '"c"', 'not in labels', 'add it to labels');
  });

  it(`more than ${MAX_LABELS} labels`, () => {
    const many = Array.from({ length: MAX_LABELS + 1 }, (_, i) => i);
    throwsClear(() => confusionFromPairs(many, many), `more than ${MAX_LABELS}`);
    throwsClear(() => confusionFromPairs([1], [1], many.map(String)), `more than the ${MAX_LABELS}`);
    assert.equal(confusionFromPairs(many.slice(1), many.slice(1)).labels.length, MAX_LABELS);
  });

  it('mixing numbers and strings is refused (1 and "1" would merge)', () => {
    throwsClear(() => confusionFromPairs([1, 0], ['1', '0']), 'predicted[0] is a string', 'actual[0] is a number');
  });

  it('scores instead of classes are refused with a hint', () => {
    throwsClear(() => confusionFromPairs([0, 1], [0.2, 0.9]), 'predicted[0] is 0.2', 'threshold');
  });

  it('null, undefined and objects are refused, naming the index', () => {
    throwsClear(() => confusionFromPairs(['a', null] as unknown as string[], ['a', 'b']), 'actual[1] is null');
    throwsClear(() => confusionFromPairs(['a', 'b'], ['a', {}] as unknown as string[]), 'predicted[1]');
  });

  it('labels must be unique strings', () => {
    throwsClear(() => confusionFromPairs(['a'], ['a'], ['a', 'a']), 'twice');
    throwsClear(() => confusionFromPairs([1], [1], [1] as unknown as string[]), 'labels[0] is 1', 'strings');
    throwsClear(() => confusionFromPairs(['a'], ['a'], []), 'labels is empty');
  });

  it('not arrays', () => {
    throwsClear(() => confusionFromPairs('abc' as unknown as string[], ['a']), 'actual must be an array');
  });
});

describe('validateMatrix', () => {
  it('accepts a square matrix and copies it', () => {
    const input = { labels: ['a', 'b'], counts: [[1, 2], [3, 4]] };
    const m = validateMatrix(input);
    assert.deepEqual(m, input);
    assert.notEqual(m.counts, input.counts);
  });

  it('a ragged row is named', () => {
    throwsClear(() => validateMatrix({ labels: ['a', 'b', 'c'], counts: [[1, 2, 3], [1, 2], [1, 2, 3]] }),
      'row 1 (actual "b")', 'has 2 values, expected 3');
  });

  it('wrong row count, negative, fractional, non-numeric counts', () => {
    throwsClear(() => validateMatrix({ labels: ['a', 'b'], counts: [[1, 2]] }), '1 rows', '2 x 2');
    throwsClear(() => validateMatrix({ labels: ['a', 'b'], counts: [[1, -2], [0, 0]] }), 'row 0', 'column 1', '-2', 'non-negative integers');
    throwsClear(() => validateMatrix({ labels: ['a', 'b'], counts: [[1, 2], [0.5, 0]] }), 'row 1', 'column 0');
    throwsClear(() => validateMatrix({ labels: ['a', 'b'], counts: [[1, 2], ['3', 0]] }), 'row 1', '"3"');
  });

  it('labels: missing, duplicated, not strings', () => {
    throwsClear(() => validateMatrix({ counts: [[1]] }), 'no "labels"');
    throwsClear(() => validateMatrix({ labels: ['a'] }), 'no "counts"');
    throwsClear(() => validateMatrix({ labels: ['a', 'a'], counts: [[1, 0], [0, 1]] }), 'twice');
    throwsClear(() => validateMatrix({ labels: [0, 1], counts: [[1, 0], [0, 1]] }), 'labels[0] is 0');
  });

  it('not an object; all zeros', () => {
    throwsClear(() => validateMatrix([[1]]), 'must be an object');
    throwsClear(() => validateMatrix(null), 'must be an object');
    throwsClear(() => validateMatrix({ labels: ['a', 'b'], counts: [[0, 0], [0, 0]] }), 'no samples');
  });
});

describe('classificationReport, metric names, normalizeMatrix', () => {
  it('hand-checked figures', () => {
    const r = classificationReport({ labels: ['a', 'b'], counts: [[3, 1], [2, 4]] });
    assert.deepEqual(r.classes[0], { label: 'a', precision: 3 / 5, recall: 3 / 4, f1: (2 * (3 / 5) * (3 / 4)) / (3 / 5 + 3 / 4), support: 4 });
    assert.equal(r.accuracy, 0.7);
    assert.equal(r.macro.support, 10);
    assert.equal(r.weighted.recall, (0.75 * 4 + (4 / 6) * 6) / 10);
  });

  it('metric names', () => {
    const names = Object.keys(classificationReportMetrics(classificationReport({ labels: ['a', 'b'], counts: [[3, 1], [2, 4]] })));
    assert.deepEqual(names, [
      'a.precision', 'a.recall', 'a.f1', 'a.support', 'b.precision', 'b.recall', 'b.f1', 'b.support', 'accuracy',
      'macro_avg.precision', 'macro_avg.recall', 'macro_avg.f1', 'macro_avg.support',
      'weighted_avg.precision', 'weighted_avg.recall', 'weighted_avg.f1', 'weighted_avg.support',
    ]);
  });

  it('row: rows sum to 1, zero rows stay zero; column: columns sum to 1; none: a copy', () => {
    const m = { labels: ['a', 'b', 'c'], counts: [[1, 3, 0], [0, 0, 0], [2, 2, 4]] };
    assert.deepEqual(normalizeMatrix(m, 'row'), [[0.25, 0.75, 0], [0, 0, 0], [0.25, 0.25, 0.5]]);
    assert.deepEqual(normalizeMatrix(m, 'column'), [[1 / 3, 3 / 5, 0], [0, 0, 0], [2 / 3, 2 / 5, 1]]);
    const none = normalizeMatrix(m, 'none');
    assert.deepEqual(none, m.counts);
    assert.notEqual(none[0], m.counts[0]);
    throwsClear(() => normalizeMatrix(m, 'diag' as 'row'), 'normalization must be');
  });

  it('numpySum is plain summation below 8 values and pairwise above', () => {
    assert.equal(numpySum([0.1, 0.2, 0.3]), 0.1 + 0.2 + 0.3);
    const xs = Array.from({ length: 300 }, (_, i) => 1 / (i + 1));
    assert.ok(Math.abs(numpySum(xs) - xs.reduce((a, b) => a + b, 0)) < 1e-12);
  });

  it('compareCodePoints orders astral characters after U+FFFF like Python', () => {
    assert.ok(compareCodePoints('\u{1F600}', '\uFF5E') > 0);
    assert.ok('\u{1F600}' < '\uFF5E'); // what plain JS comparison would get wrong
    assert.ok(compareCodePoints('a', 'ab') < 0);
    assert.equal(compareCodePoints('x', 'x'), 0);
  });
});

describe('parseConfusionMatrixFile', () => {
  const expected = { labels: ['cat', 'dog'], counts: [[5, 1], [2, 7]] };

  it('CSV with an empty corner cell (pandas DataFrame.to_csv)', () => {
    assert.deepEqual(parseConfusionMatrixFile(',cat,dog\ncat,5,1\ndog,2,7\n', 'cm.csv'), expected);
  });

  it('CSV with an "actual\\predicted" corner, CRLF, BOM, spaces', () => {
    assert.deepEqual(parseConfusionMatrixFile('\uFEFFactual\\predicted, cat , dog\r\ncat, 5, 1\r\ndog, 2, 7\r\n', 'cm.csv'), expected);
  });

  it('quoted labels with commas and quotes; rows in another order than columns', () => {
    const m = parseConfusionMatrixFile('"",  "a, b","say ""hi"""\n"say ""hi""",0,3\n"a, b",4,1\n', 'cm.csv');
    assert.deepEqual(m, { labels: ['a, b', 'say "hi"'], counts: [[4, 1], [0, 3]] });
  });

  it('TSV and semicolon-separated files', () => {
    assert.deepEqual(parseConfusionMatrixFile('\tcat\tdog\ncat\t5\t1\ndog\t2\t7', 'cm.tsv'), expected);
    assert.deepEqual(parseConfusionMatrixFile(';cat;dog\ncat;5;1\ndog;2;7', 'cm.csv'), expected);
  });

  it('numeric labels stay strings; a bare grid of counts (numpy.savetxt) gets labels 0..n-1', () => {
    assert.deepEqual(parseConfusionMatrixFile(',0,1\n0,5,1\n1,2,7', 'cm.csv'), { labels: ['0', '1'], counts: [[5, 1], [2, 7]] });
    assert.deepEqual(parseConfusionMatrixFile('5,1\n2,7\n', 'cm.csv'), { labels: ['0', '1'], counts: [[5, 1], [2, 7]] });
    assert.deepEqual(parseConfusionMatrixFile('5.0,1.0\n2.0,7.0\n', 'cm.csv'), { labels: ['0', '1'], counts: [[5, 1], [2, 7]] });
  });

  it('a ragged CSV row: names the file and the line', () => {
    throwsClear(() => parseConfusionMatrixFile(',cat,dog\ncat,5,1\ndog,2\n', 'cm.csv'), 'cm.csv line 3 has 2 cells', 'line 1 has 3');
  });

  it('line numbers count the lines inside quoted cells', () => {
    throwsClear(() => parseConfusionMatrixFile(',"c\nat",dog\n"c\nat",5,1\ndog,2\n', 'cm.csv'), 'line 5 has 2 cells');
  });

  it('bad CSV contents: not square, unknown row label, bad count, duplicate, empty, unclosed quote', () => {
    throwsClear(() => parseConfusionMatrixFile(',cat,dog\ncat,5,1\n', 'cm.csv'), 'cm.csv', 'square');
    throwsClear(() => parseConfusionMatrixFile(',cat,dog\ncat,5,1\nfox,2,7', 'cm.csv'), 'line 3', '"fox"');
    throwsClear(() => parseConfusionMatrixFile(',cat,dog\ncat,5,x\ndog,2,7', 'cm.csv'), 'line 2, column 3', '"x"');
    throwsClear(() => parseConfusionMatrixFile(',cat,dog\ncat,5,-1\ndog,2,7', 'cm.csv'), 'line 2, column 3');
    throwsClear(() => parseConfusionMatrixFile(',cat,cat\ncat,5,1\ncat,2,7', 'cm.csv'), 'appears twice');
    throwsClear(() => parseConfusionMatrixFile('  \n', 'cm.csv'), 'cm.csv is empty');
    throwsClear(() => parseConfusionMatrixFile(',"cat,dog\n', 'cm.csv'), 'cm.csv', 'never closed');
    throwsClear(() => parseConfusionMatrixFile('5,1\n2,7\n3,3\n', 'cm.csv'), 'square');
  });

  it('JSON {labels, counts} and {labels, matrix}; numeric labels become strings', () => {
    assert.deepEqual(parseConfusionMatrixFile(JSON.stringify(expected), 'cm.json'), expected);
    assert.deepEqual(parseConfusionMatrixFile('{"labels":["cat","dog"],"matrix":[[5,1],[2,7]]}', 'cm.json'), expected);
    assert.deepEqual(parseConfusionMatrixFile('{"labels":[0,1],"counts":[[5,1],[2,7]]}', 'x.json').labels, ['0', '1']);
  });

  it('JSON {actual, predicted} (and y_true / y_pred), optionally with labels; sniffed without .json', () => {
    assert.deepEqual(parseConfusionMatrixFile('{"actual":["a","b","b"],"predicted":["a","a","b"]}', 'p.json'),
      { labels: ['a', 'b'], counts: [[1, 0], [1, 1]] });
    assert.deepEqual(parseConfusionMatrixFile('{"y_true":[1,0],"y_pred":[1,1],"labels":[1,0,2]}', 'pairs'),
      { labels: ['1', '0', '2'], counts: [[1, 0, 0], [1, 0, 0], [0, 0, 0]] });
  });

  it('bad JSON: syntax, shape, ragged, missing half of the pairs — errors name the file', () => {
    throwsClear(() => parseConfusionMatrixFile('{"labels": [', 'cm.json'), 'cm.json is not valid JSON');
    throwsClear(() => parseConfusionMatrixFile('[[1,2],[3,4]]', 'cm.json'), 'cm.json must hold a JSON object');
    throwsClear(() => parseConfusionMatrixFile('{"foo": 1}', 'cm.json'), 'cm.json has neither', '"foo"');
    throwsClear(() => parseConfusionMatrixFile('{"labels":["a","b"],"counts":[[1,2],[3]]}', 'cm.json'), 'cm.json: ', 'row 1 (actual "b")');
    throwsClear(() => parseConfusionMatrixFile('{"actual":[1,2]}', 'cm.json'), 'no "predicted"');
    throwsClear(() => parseConfusionMatrixFile('{"actual":[1,2],"predicted":[1]}', 'cm.json'), 'cm.json: actual has 2 values');
  });
});
