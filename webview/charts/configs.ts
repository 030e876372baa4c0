// chart.js configurations for the run panel's charts: a metric's history (line, decimated, smoothed),
// a categorical distribution (bars of value counts) and a numeric one (a histogram on its bin edges).
import type { ChartConfiguration, TooltipItem } from 'chart.js';
import { formatNumber } from '../../src/core/format';
import type { CategoricalDistribution, NumericDistribution } from '../../src/core/model';
import { binLabel, categoricalBars, edgeTicks, formatCompact, formatElapsed, formatEpochMs, type MetricSeries, type XY, type XMode } from './series';
import { withAlpha, type ChartColors } from './theme';

export type { XMode } from './series';

export interface MetricChartInput {
  key: string;
  steps: ArrayLike<number>;
  times: ArrayLike<number>;
  values: ArrayLike<number>;
  xMode: XMode;
  /** 0 (off) to 0.99. */
  smoothing: number;
  /** Origin of the wall-time axis (the run's start, epoch ms). */
  origin: number;
  color: string;
}

export function metricChartConfig(input: MetricChartInput, series: MetricSeries, c: ChartColors): ChartConfiguration<'line', XY[]> {
  const few = series.raw.length <= 60;
  const line = (label: string, data: XY[], color: string, width: number) => ({
    label, data, borderColor: color, backgroundColor: color, borderWidth: width,
    pointRadius: few ? 2.5 : 0, pointHoverRadius: 4, tension: 0, spanGaps: true, indexAxis: 'x' as const,
  });
  const datasets = series.smoothed
    ? [line(`${input.key} (raw)`, series.raw, withAlpha(input.color, 0.3), 1), line(`${input.key} (smoothed)`, series.smoothed, input.color, 2)]
    : [line(input.key, series.raw, input.color, 1.5)];
  const fmtX = (x: number): string => (input.xMode === 'step' ? formatCompact(x) : formatElapsed(x));
  return {
    type: 'line',
    data: { datasets },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      parsing: false,
      normalized: true,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      scales: {
        x: {
          type: 'linear',
          title: { display: true, text: input.xMode === 'step' ? 'step' : 'time since the run started', color: c.foreground },
          ticks: { callback: (v) => fmtX(Number(v)), maxRotation: 0, autoSkipPadding: 12 },
          grid: { color: c.lines },
        },
        y: {
          type: 'linear',
          ticks: { callback: (v) => formatCompact(Number(v)) },
          grid: { color: c.lines },
        },
      },
      plugins: {
        decimation: { enabled: true, algorithm: 'min-max' },
        legend: { display: series.smoothed !== null, labels: { boxWidth: 12, boxHeight: 2, color: c.foreground } },
        tooltip: {
          callbacks: {
            title: (items: TooltipItem<'line'>[]) => (items[0] ? (input.xMode === 'step' ? `step ${items[0].parsed.x}` : formatElapsed(items[0].parsed.x ?? NaN)) : ''),
            label: (item: TooltipItem<'line'>) => `${item.dataset.label ?? ''}: ${formatNumber(item.parsed.y ?? NaN)}`,
          },
        },
      },
    },
  };
}

// ------------------------------------------------------------------ distributions

const truncate = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function categoricalConfig(d: CategoricalDistribution, c: ChartColors): ChartConfiguration<'bar'> {
  const { labels, counts, otherIndex } = categoricalBars(d);
  const total = d.total - d.nulls;
  return {
    type: 'bar',
    data: {
      labels,
      datasets: [{
        label: d.column,
        data: counts,
        backgroundColor: counts.map((_, i) => (i === otherIndex ? withAlpha(c.foreground, 0.25) : withAlpha(c.blue, 0.75))),
        borderColor: counts.map((_, i) => (i === otherIndex ? withAlpha(c.foreground, 0.5) : c.blue)),
        borderWidth: 1,
        barPercentage: 0.85,
        categoryPercentage: 0.9,
      }],
    },
    options: {
      indexAxis: 'y',
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: {
        x: { beginAtZero: true, title: { display: true, text: 'count', color: c.foreground }, ticks: { callback: (v) => formatCompact(Number(v)) }, grid: { color: c.lines } },
        y: { ticks: { autoSkip: false, callback: (_v, i) => truncate(labels[i] ?? '', 28) }, grid: { display: false } },
      },
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            title: (items: TooltipItem<'bar'>[]) => labels[items[0]?.dataIndex ?? 0] ?? '',
            label: (item: TooltipItem<'bar'>) => `${counts[item.dataIndex].toLocaleString('en')} rows${total > 0 ? ` (${((100 * counts[item.dataIndex]) / total).toFixed(1)}%)` : ''}`,
          },
        },
      },
    },
  };
}

export function edgeFormatter(d: NumericDistribution): (x: number) => string {
  return d.unit === 'epoch-ms' ? formatEpochMs : formatNumber;
}

export function numericConfig(d: NumericDistribution, c: ChartColors): ChartConfiguration<'bar', XY[]> {
  const fmt = edgeFormatter(d);
  const tickFmt = d.unit === 'epoch-ms' ? formatEpochMs : formatCompact;
  const data = d.counts.map((count, i) => ({ x: (d.edges[i] + d.edges[i + 1]) / 2, y: count }));
  const total = d.total - d.nulls;
  const first = d.edges[0];
  const last = d.edges[d.edges.length - 1];
  const ticks = edgeTicks(d.edges, d.unit === 'epoch-ms' ? 6 : 11);
  return {
    type: 'bar',
    data: {
      datasets: [{
        label: d.column,
        data,
        backgroundColor: withAlpha(c.blue, 0.7),
        borderColor: c.blue,
        borderWidth: { top: 1, left: 0, right: 0, bottom: 0 },
        barPercentage: 1,
        categoryPercentage: 1,
        // Bars span their bin: on a linear axis chart.js sizes them from the distance between centres.
        grouped: false,
      }],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: {
        x: {
          type: 'linear',
          min: first,
          max: last === first ? first + 1 : last,
          offset: false,
          title: { display: true, text: `${d.column} (bin edges)`, color: c.foreground },
          afterBuildTicks: (axis) => { axis.ticks = ticks.map((value) => ({ value })); },
          ticks: { callback: (v) => tickFmt(Number(v)), maxRotation: 0, autoSkip: true, autoSkipPadding: 6 },
          grid: { color: c.lines, offset: false },
        },
        y: { beginAtZero: true, title: { display: true, text: 'count', color: c.foreground }, ticks: { callback: (v) => formatCompact(Number(v)) }, grid: { color: c.lines } },
      },
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            title: (items: TooltipItem<'bar'>[]) => binLabel(d.edges, items[0]?.dataIndex ?? 0, fmt),
            label: (item: TooltipItem<'bar'>) => `${d.counts[item.dataIndex].toLocaleString('en')} rows${total > 0 ? ` (${((100 * d.counts[item.dataIndex]) / total).toFixed(1)}%)` : ''}`,
          },
        },
      },
    },
  };
}
