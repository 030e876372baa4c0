// chart.js configurations for the comparison panel: one metric's histories of many runs overlaid, a
// scatter of one metric against one parameter, and two distributions of a column overlaid.
import { Chart, LogarithmicScale, ScatterController, type ChartConfiguration, type TooltipItem } from 'chart.js';
import { formatNumber } from '../../src/core/format';
import { formatCompact, formatElapsed, formatEpochMs, type XY, type XMode } from './series';
import { withAlpha, type ChartColors } from './theme';

let registered = false;

/** The scatter controller and the log scale (the run panel's charts need neither). Safe to call more than once. */
export function setupCompareCharts(): void {
  if (registered) return;
  registered = true;
  Chart.register(ScatterController, LogarithmicScale);
}

export interface RunSeries {
  label: string;
  color: string;
  raw: XY[];
  smoothed: XY[] | null;
  /** Drawn thicker (the baseline). */
  emphasis: boolean;
}

/** Every run's history of one metric in one chart; the raw curve stays faintly behind a smoothed one when few runs are drawn. */
export function historiesConfig(key: string, series: readonly RunSeries[], xMode: XMode, c: ChartColors): ChartConfiguration<'line', XY[]> {
  const few = series.length <= 8;
  const points = series.reduce((n, s) => n + s.raw.length, 0);
  const dot = series.every((s) => s.raw.length <= 30) && points <= 600;
  const datasets = series.flatMap((s) => {
    const width = s.emphasis ? 2.5 : series.length > 30 ? 1 : 1.6;
    const line = (label: string, data: XY[], color: string, w: number) => ({
      label, data, borderColor: color, backgroundColor: color, borderWidth: w, pointRadius: dot ? 2.5 : 0, pointHoverRadius: 4,
      tension: 0, spanGaps: true, indexAxis: 'x' as const,
    });
    if (!s.smoothed) return [line(s.label, s.raw, s.color, width)];
    return few ? [line(`${s.label} (raw)`, s.raw, withAlpha(s.color, 0.25), 1), line(s.label, s.smoothed, s.color, width)] : [line(s.label, s.smoothed, s.color, width)];
  });
  const fmtX = (x: number): string => (xMode === 'step' ? formatCompact(x) : formatElapsed(x));
  return {
    type: 'line',
    data: { datasets },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      parsing: false,
      normalized: true,
      interaction: { mode: 'nearest', axis: 'xy', intersect: false },
      scales: {
        x: {
          type: 'linear',
          title: { display: true, text: xMode === 'step' ? 'step' : 'time since each run started', color: c.foreground },
          ticks: { callback: (v) => fmtX(Number(v)), maxRotation: 0, autoSkipPadding: 12 },
          grid: { color: c.lines },
        },
        y: { type: 'linear', title: { display: true, text: key, color: c.foreground }, ticks: { callback: (v) => formatCompact(Number(v)) }, grid: { color: c.lines } },
      },
      plugins: {
        decimation: { enabled: true, algorithm: 'min-max' },
        legend: { display: false },
        tooltip: {
          filter: (item: TooltipItem<'line'>) => !String(item.dataset.label ?? '').endsWith(' (raw)'),
          callbacks: {
            title: (items: TooltipItem<'line'>[]) => (items[0] ? (xMode === 'step' ? `step ${items[0].parsed.x}` : formatElapsed(items[0].parsed.x ?? NaN)) : ''),
            label: (item: TooltipItem<'line'>) => `${item.dataset.label ?? ''}: ${formatNumber(item.parsed.y ?? NaN)}`,
          },
        },
      },
    },
  };
}

export interface ScatterPoint extends XY { label: string; color: string; best: boolean }

/** One point per run: a metric (y) against a parameter (x); the best run drawn larger. */
export function scatterConfig(points: readonly ScatterPoint[], xLabel: string, yLabel: string, logX: boolean, c: ChartColors): ChartConfiguration<'scatter', ScatterPoint[]> {
  return {
    type: 'scatter',
    data: {
      datasets: [{
        label: yLabel,
        data: [...points],
        pointBackgroundColor: points.map((p) => withAlpha(p.color, 0.85)),
        pointBorderColor: points.map((p) => (p.best ? c.foreground : p.color)),
        pointBorderWidth: points.map((p) => (p.best ? 2 : 1)),
        pointRadius: points.map((p) => (p.best ? 7 : points.length > 40 ? 4 : 5)),
        pointHoverRadius: 8,
      }],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: {
        x: {
          type: logX ? 'logarithmic' : 'linear',
          title: { display: true, text: xLabel + (logX ? ' (log scale)' : ''), color: c.foreground },
          // On a log axis only 1, 2 and 5 times a power of ten get a label, so they do not overlap.
          ticks: { callback: (v) => (logX && ![1, 2, 5].includes(Math.round(Number(v) / 10 ** Math.floor(Math.log10(Number(v))))) ? '' : formatCompact(Number(v))), maxRotation: 0, autoSkipPadding: 8 },
          grid: { color: c.lines },
        },
        y: { type: 'linear', title: { display: true, text: yLabel, color: c.foreground }, ticks: { callback: (v) => formatCompact(Number(v)) }, grid: { color: c.lines } },
      },
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            label: (item: TooltipItem<'scatter'>) => {
              const p = points[item.dataIndex];
              return p ? `${p.label}: ${xLabel} ${formatNumber(p.x)}, ${yLabel} ${formatNumber(p.y)}${p.best ? ' (best)' : ''}` : '';
            },
          },
        },
      },
    },
  };
}

export interface OverlayInput {
  column: string;
  unit?: 'epoch-ms';
  labels: [string, string];
  colors: [string, string];
  shares: [number[], number[]];
  /** Numeric: bin edges (shares.length + 1). Categorical: the values. */
  edges?: number[];
  categories?: string[];
}

const truncate = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Two distributions of one column as shares of their rows: overlapping translucent histograms, or paired bars per value. */
export function overlayConfig(o: OverlayInput, c: ChartColors): ChartConfiguration<'bar', (number | XY)[]> {
  const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
  if (o.edges) {
    const e = o.edges;
    const fmt = o.unit === 'epoch-ms' ? formatEpochMs : formatCompact;
    const data = (s: number[]): XY[] => s.map((y, i) => ({ x: (e[i] + e[i + 1]) / 2, y }));
    return {
      type: 'bar',
      data: {
        datasets: o.shares.map((s, k) => ({
          label: o.labels[k], data: data(s), backgroundColor: withAlpha(o.colors[k], 0.45), borderColor: o.colors[k],
          borderWidth: { top: 1.5, left: 0, right: 0, bottom: 0 }, barPercentage: 1, categoryPercentage: 1, grouped: false,
        })),
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        scales: {
          x: { type: 'linear', min: e[0], max: e[e.length - 1], offset: false, title: { display: true, text: o.column, color: c.foreground }, ticks: { callback: (v) => fmt(Number(v)), maxRotation: 0, autoSkipPadding: 8 }, grid: { color: c.lines } },
          y: { beginAtZero: true, title: { display: true, text: 'share of rows', color: c.foreground }, ticks: { callback: (v) => `${Math.round(100 * Number(v))} %` }, grid: { color: c.lines } },
        },
        plugins: {
          legend: { display: true, labels: { color: c.foreground, boxWidth: 12 } },
          tooltip: {
            callbacks: {
              title: (items: TooltipItem<'bar'>[]) => {
                const i = items[0]?.dataIndex ?? 0;
                return `[${fmt(e[i])}, ${fmt(e[i + 1])}${i === e.length - 2 ? ']' : ')'}`;
              },
              label: (item: TooltipItem<'bar'>) => `${item.dataset.label ?? ''}: ${pct((item.parsed.y as number) ?? 0)}`,
            },
          },
        },
      },
    };
  }
  const labels = o.categories ?? [];
  return {
    type: 'bar',
    data: {
      labels,
      datasets: o.shares.map((s, k) => ({
        label: o.labels[k], data: s, backgroundColor: withAlpha(o.colors[k], 0.6), borderColor: o.colors[k], borderWidth: 1,
        barPercentage: 0.9, categoryPercentage: 0.8,
      })),
    },
    options: {
      indexAxis: 'y', responsive: true, maintainAspectRatio: false, animation: false,
      scales: {
        x: { beginAtZero: true, title: { display: true, text: 'share of rows', color: c.foreground }, ticks: { callback: (v) => `${Math.round(100 * Number(v))} %` }, grid: { color: c.lines } },
        y: { ticks: { autoSkip: false, callback: (_v, i) => truncate(labels[i] === '' ? '(empty string)' : labels[i] ?? '', 24) }, grid: { display: false } },
      },
      plugins: {
        legend: { display: true, labels: { color: c.foreground, boxWidth: 12 } },
        tooltip: { callbacks: { label: (item: TooltipItem<'bar'>) => `${item.dataset.label ?? ''}: ${pct(Number(item.raw))}` } },
      },
    },
  };
}
