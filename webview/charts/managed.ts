// chart.js set up once for the panels (only the parts we use, so the bundle stays small), and a small
// owner for each chart that rebuilds it with the new colours when the theme changes.
import {
  BarController, BarElement, CategoryScale, Chart, Decimation, Filler, Legend, LinearScale, LineController, LineElement,
  PointElement, Tooltip, type ChartConfiguration, type ChartType, type DefaultDataPoint,
} from 'chart.js';
import { readChartColors, watchTheme, type ChartColors } from './theme';

let colors: ChartColors | undefined;
/** What the panels hold on to: a chart they can redraw, export and destroy. */
export interface ChartHandle {
  readonly lastDrawMs: number;
  render(): void;
  destroy(): void;
  toPng(): string;
}

const live = new Set<ChartHandle>();
const themeListeners = new Set<(c: ChartColors) => void>();

function applyDefaults(c: ChartColors): void {
  Chart.defaults.color = c.foreground;
  Chart.defaults.borderColor = c.lines;
  Chart.defaults.font.family = c.fontFamily;
  Chart.defaults.font.size = Math.max(11, Math.round(c.fontSize * 0.92));
  Chart.defaults.animation = false;
  Chart.defaults.plugins.tooltip.backgroundColor = c.kind.startsWith('high-contrast') ? c.background : 'rgba(30, 30, 30, 0.92)';
  Chart.defaults.plugins.tooltip.borderColor = c.lines;
  Chart.defaults.plugins.tooltip.borderWidth = c.kind.startsWith('high-contrast') ? 1 : 0;
  Chart.defaults.plugins.tooltip.titleColor = c.kind.startsWith('high-contrast') ? c.foreground : '#ffffff';
  Chart.defaults.plugins.tooltip.bodyColor = c.kind.startsWith('high-contrast') ? c.foreground : '#ffffff';
}

let started = false;

/** Registers chart.js's parts and starts following the theme. Safe to call more than once. */
export function setupCharts(): void {
  if (started) return;
  started = true;
  Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, BarController, BarElement, Tooltip, Legend, Decimation, Filler);
  colors = readChartColors();
  applyDefaults(colors);
  watchTheme(() => {
    colors = readChartColors();
    applyDefaults(colors);
    for (const c of live) c.render();
    for (const l of themeListeners) l(colors);
  });
}

export function chartColors(): ChartColors {
  colors ??= readChartColors();
  return colors;
}

/** Things drawn without chart.js (the confusion matrix) re-colour themselves through this. */
export function onThemeChange(listener: (c: ChartColors) => void): () => void {
  themeListeners.add(listener);
  return () => themeListeners.delete(listener);
}

/** One chart on one canvas, rebuilt from `build` on a theme change or when its data changes. */
export class ManagedChart<T extends ChartType = ChartType, D = DefaultDataPoint<T>> implements ChartHandle {
  private chart?: Chart<T, D>;
  /** Milliseconds the last build took (config + first draw; chart.js draws synchronously without animation). */
  lastDrawMs = 0;

  constructor(readonly canvas: HTMLCanvasElement, private build: (c: ChartColors) => ChartConfiguration<T, D>) {
    live.add(this);
    this.render();
  }

  render(): void {
    const t0 = performance.now();
    this.chart?.destroy();
    this.chart = new Chart(this.canvas, this.build(chartColors()));
    this.lastDrawMs = performance.now() - t0;
  }

  update(build: (c: ChartColors) => ChartConfiguration<T, D>): void {
    this.build = build;
    this.render();
  }

  destroy(): void {
    this.chart?.destroy();
    this.chart = undefined;
    live.delete(this);
  }

  /** The chart as a PNG data URL on the editor's background (a canvas is transparent). */
  toPng(): string {
    return canvasToPng(this.canvas, chartColors().background);
  }
}

export function canvasToPng(canvas: HTMLCanvasElement, background: string): string {
  const out = document.createElement('canvas');
  out.width = canvas.width;
  out.height = canvas.height;
  const ctx = out.getContext('2d');
  if (!ctx) return canvas.toDataURL('image/png');
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(canvas, 0, 0);
  return out.toDataURL('image/png');
}
