// The run webview's pure helpers: smoothing, chart points, axis ticks, heat-map cells, CSV, filters, settings.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classificationReport } from '../../../src/core/classification';
import type { CategoricalDistribution } from '../../../src/core/model';
import { categoricalBars, metricSeries, MAX_BARS } from '../../../webview/charts/series';
import { cellSizeFor, cellText, heat, heatmapModel } from '../../../webview/charts/heatmap';
import { binLabel, edgeTicks, elapsedSeconds, emaSmooth, formatCompact, formatElapsed, formatEpochMs, sortOrder, toPoints } from '../../../webview/charts/series';
import { csvField, toCsv } from '../../../webview/components/csv';
import {
  filterParams, fixed3, formatBytes, historyCsv, matrixCsv, metricsCsv, paramText, paramType, paramsCsv, pickMatrix, quantileName, reportCsv, schemaCsv,
} from '../../../webview/run/model';
import { DEFAULT_UI, parseUiState } from '../../../webview/run/uiState';

describe('smoothing and chart points', () => {
  it('smooths with a debiased EMA (TensorBoard), leaving NaN and infinities in place', () => {
    assert.deepEqual([...emaSmooth([1, 2, 3], 0)], [1, 2, 3]);
    const s = emaSmooth([10, 10, 10], 0.9);
    for (const v of s) assert.ok(Math.abs(v - 10) < 1e-12, 'a constant stays constant (no pull towards 0)');
    const t = emaSmooth([0, 1], 0.5);
    assert.equal(t[0], 0);
    assert.ok(Math.abs(t[1] - (0.5 * 1) / (1 - 0.25)) < 1e-12);
    const n = emaSmooth([1, NaN, Infinity, 3], 0.5);
    assert.ok(Number.isNaN(n[1]));
    assert.equal(n[2], Infinity);
    assert.ok(Math.abs(n[3] - (0.25 * 1 + 0.5 * 3) / 0.75) < 1e-12, 'skipped values do not count');
  });

  it('orders points by x and leaves out what cannot be drawn', () => {
    assert.equal(sortOrder([1, 2, 2, 3]), null);
    assert.deepEqual([...sortOrder([3, 1, 2])!], [1, 2, 0]);
    assert.deepEqual(toPoints([2, 0, 1, 3], [20, 0, NaN, -Infinity]), { points: [{ x: 0, y: 0 }, { x: 2, y: 20 }], skipped: 2 });
    assert.deepEqual([...elapsedSeconds([5000, 7000], 1000)], [4, 6]);
    assert.deepEqual([...elapsedSeconds([5000, 3000])], [2, 0]);
  });

  it('builds a metric series over steps or wall time, smoothing in x order', () => {
    const input = { steps: [0, 1, 2, 3], times: [1000, 4000, 2000, 3000], values: [4, 1, 2, NaN], smoothing: 0, origin: 1000 };
    const bySteps = metricSeries({ ...input, xMode: 'step' });
    assert.deepEqual(bySteps.raw, [{ x: 0, y: 4 }, { x: 1, y: 1 }, { x: 2, y: 2 }]);
    assert.equal(bySteps.skipped, 1);
    assert.equal(bySteps.smoothed, null);
    const byTime = metricSeries({ ...input, xMode: 'time', smoothing: 0.5 });
    assert.deepEqual(byTime.raw, [{ x: 0, y: 4 }, { x: 1, y: 2 }, { x: 3, y: 1 }]);
    assert.deepEqual(byTime.smoothed!.map((p) => p.x), [0, 1, 3]);
    assert.equal(byTime.smoothed![0].y, 4);
  });

  it('handles 100,000 points quickly enough for a chart that must draw in under a second', () => {
    const n = 100_000;
    const steps = Float64Array.from({ length: n }, (_, i) => i);
    const values = Float64Array.from({ length: n }, (_, i) => Math.exp(-i / 20_000) + 0.01 * Math.sin(i));
    const t0 = performance.now();
    const s = metricSeries({ steps, times: steps, values, xMode: 'step', smoothing: 0.9, origin: 0 });
    const ms = performance.now() - t0;
    assert.equal(s.raw.length, n);
    assert.equal(s.smoothed!.length, n);
    assert.ok(ms < 500, `preparing 100k points took ${ms.toFixed(0)} ms`);
  });
});

describe('axes and labels', () => {
  it('labels histogram bins as intervals, the last one closed', () => {
    const e = [0, 10, 20];
    assert.equal(binLabel(e, 0, String), '[0, 10)');
    assert.equal(binLabel(e, 1, String), '[10, 20]');
  });
  it('thins edge ticks but keeps both ends', () => {
    assert.deepEqual(edgeTicks([0, 1, 2], 11), [0, 1, 2]);
    const many = Array.from({ length: 21 }, (_, i) => i * 5);
    const t = edgeTicks(many, 11);
    assert.equal(t[0], 0);
    assert.equal(t[t.length - 1], 100);
    assert.ok(t.length <= 12);
  });
  it('formats elapsed time, compact numbers and datetime edges', () => {
    assert.equal(formatElapsed(4.25), '4.25 s');
    assert.equal(formatElapsed(125), '2:05');
    assert.equal(formatElapsed(3725), '1:02:05');
    assert.equal(formatCompact(1234), '1.2k');
    assert.equal(formatCompact(25_000), '25k');
    assert.equal(formatCompact(0.5), '0.5');
    assert.equal(formatCompact(0), '0');
    assert.equal(formatCompact(NaN), 'NaN');
    assert.equal(formatEpochMs(Date.UTC(2024, 0, 2)), '2024-01-02');
    assert.equal(formatEpochMs(Date.UTC(2024, 0, 2, 13, 5)), '2024-01-02 13:05');
  });
  it('names quantiles', () => {
    assert.deepEqual([0, 0.01, 0.25, 0.5, 0.95, 1].map(quantileName), ['min', '1%', '25%', 'median', '95%', 'max']);
  });
  it('caps the bars of a categorical distribution and sums the rest', () => {
    const values = Array.from({ length: 25 }, (_, i) => ({ value: i === 0 ? '' : `v${i}`, count: 100 - i }));
    const d: CategoricalDistribution = { kind: 'categorical', column: 'c', total: 5000, nulls: 0, values, other: 7 };
    const bars = categoricalBars(d);
    assert.equal(bars.labels.length, MAX_BARS + 1);
    assert.equal(bars.labels[0], '(empty string)');
    assert.equal(bars.labels[MAX_BARS], '(5 more values)');
    assert.equal(bars.counts[MAX_BARS], 7 + values.slice(MAX_BARS).reduce((a, v) => a + v.count, 0));
    assert.equal(bars.otherIndex, MAX_BARS);
    assert.equal(categoricalBars({ ...d, values: values.slice(0, 3), other: 0 }).otherIndex, -1);
  });
});

describe('confusion matrix view', () => {
  const m = { labels: ['died', 'survived'], counts: [[98, 12], [21, 48]] };
  it('shows counts or row/column shares', () => {
    const none = heatmapModel(m, 'none');
    assert.deepEqual(none.values, m.counts);
    assert.equal(none.max, 98);
    assert.deepEqual(none.rowTotals, [110, 69]);
    assert.deepEqual(none.colTotals, [119, 60]);
    const row = heatmapModel(m, 'row');
    assert.equal(row.values[1][1], 48 / 69);
    assert.equal(row.max, 1);
    assert.equal(heatmapModel(m, 'column').values[0][0], 98 / 119);
    assert.equal(cellText(98, 'none', 'l'), '98');
    assert.equal(cellText(48 / 69, 'row', 'l'), '69.6%');
    assert.equal(cellText(1, 'row', 'm'), '100%');
    assert.equal(cellText(48 / 69, 'row', 'xs'), '70');
    assert.equal(cellText(12_345, 'none', 'xs'), '12k');
    assert.equal(cellText(12_345, 'none', 'l'), '12345');
    assert.equal(cellText(0, 'none', 'l'), '0');
    assert.equal(cellText(0, 'row', 'xs'), '', 'zeros are left out of large matrices');
  });
  it('shrinks cells as classes grow, so 100 classes fit', () => {
    assert.deepEqual([2, 8, 9, 20, 21, 45, 46, 100].map(cellSizeFor), ['l', 'l', 'm', 'm', 's', 's', 'xs', 'xs']);
  });
  it('scales colour by the largest value', () => {
    assert.equal(heat(0, 10), 0);
    assert.equal(heat(5, 10), 0.5);
    assert.equal(heat(10, 10), 1);
    assert.equal(heat(3, 0), 0);
  });
  it('exports the matrix and the report as CSV', () => {
    assert.equal(matrixCsv(m), 'actual \\ predicted,died,survived\r\ndied,98,12\r\nsurvived,21,48\r\n');
    const csv = reportCsv(classificationReport(m)).split('\r\n');
    assert.equal(csv[0], 'class,precision,recall,f1,support');
    assert.equal(csv[2], `survived,${48 / 60},${48 / 69},${classificationReport(m).classes[1].f1},69`);
    assert.equal(csv[3], `accuracy,,,${146 / 179},179`);
    assert.equal(fixed3(48 / 69), '0.696');
  });
  it('picks the matrix asked for, else test, else the first', () => {
    const ms = [{ name: 'train' }, { name: 'test' }];
    assert.equal(pickMatrix(ms, 'train')?.name, 'train');
    assert.equal(pickMatrix(ms, null)?.name, 'test');
    assert.equal(pickMatrix(ms, 'gone')?.name, 'test');
    assert.equal(pickMatrix([{ name: 'a' }, { name: 'b' }], null)?.name, 'a');
    assert.equal(pickMatrix([], null), undefined);
  });
});

describe('tables and CSV', () => {
  it('quotes CSV fields when needed and keeps numbers exact', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
    assert.equal(csvField(' padded'), '" padded"');
    assert.equal(csvField(0.1 + 0.2), '0.30000000000000004');
    assert.equal(csvField(NaN), 'NaN');
    assert.equal(csvField(-Infinity), '-Infinity');
    assert.equal(csvField(null), '');
    assert.equal(toCsv(['a', 'b'], [[1, 'x']]), 'a,b\r\n1,x\r\n');
  });
  it('filters hyper-parameters by every word of the filter', () => {
    const ps = [{ key: 'maxDepth' }, { key: 'minNumSamples' }, { key: 'gainFunction' }, { key: 'optimizer.learning_rate' }];
    assert.deepEqual(filterParams(ps, '').map((p) => p.key), ps.map((p) => p.key));
    assert.deepEqual(filterParams(ps, 'DEPTH').map((p) => p.key), ['maxDepth']);
    assert.deepEqual(filterParams(ps, 'learning rate').map((p) => p.key), ['optimizer.learning_rate']);
    assert.deepEqual(filterParams(ps, 'zzz'), []);
  });
  it('shows parameter values exactly as logged', () => {
    assert.deepEqual([0.000123, 1e-7, true, null, '<b>x</b>'].map((v) => [paramText(v), paramType(v)]),
      [['0.000123', 'number'], ['1e-7', 'number'], ['true', 'boolean'], ['null', 'null'], ['<b>x</b>', 'string']]);
    assert.equal(paramsCsv([{ key: 'a', value: 'x,y' }]), 'name,value,type\r\na,"x,y",string\r\n');
  });
  it('exports metrics, histories and schemas', () => {
    assert.equal(metricsCsv([{ key: 'loss', count: 3, last: 0.6, lastStep: 2, min: 0.5, max: 'Infinity', best: 0.5, direction: 'min', directionSource: 'name' }]),
      'metric,last,best,min,max,points,last_step,direction\r\nloss,0.6,0.5,0.5,Infinity,3,2,min\r\n');
    const h = { key: 'loss', steps: Float64Array.of(0, 1), times: Float64Array.of(0, 1000), values: Float64Array.of(0.5, NaN) };
    assert.equal(historyCsv(h), 'step,time,loss\r\n0,1970-01-01T00:00:00.000Z,0.5\r\n1,1970-01-01T00:00:01.000Z,NaN\r\n');
    assert.equal(historyCsv({ ...h, times: null }), 'step,time,loss\r\n0,,0.5\r\n1,,NaN\r\n');
    assert.equal(schemaCsv([{ name: 'Age', type: 'float', nulls: 177, distinct: 88, distinctExact: true, min: 0.42, max: 80, mean: 29.7 }], 891).split('\r\n')[1],
      `Age,float,177,${177 / 891},88,exact,0.42,80,29.7,`);
    assert.equal(formatBytes(61_194), '59.8 KB');
  });
});

describe('saved view settings', () => {
  it('falls back to defaults for anything missing or malformed', () => {
    assert.deepEqual(parseUiState(undefined), DEFAULT_UI);
    assert.deepEqual(parseUiState('junk'), DEFAULT_UI);
    assert.deepEqual(parseUiState({ normalization: 'row', matrix: 'test', xAxis: 'time', smoothing: 0.3, paramFilter: 'depth', scrollY: 420 }),
      { normalization: 'row', matrix: 'test', xAxis: 'time', smoothing: 0.3, paramFilter: 'depth', scrollY: 420 });
    assert.deepEqual(parseUiState({ normalization: 'diagonal', xAxis: 'epoch', smoothing: 7, scrollY: -5, matrix: 3 }), DEFAULT_UI);
  });
});
