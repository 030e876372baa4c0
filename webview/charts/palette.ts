// Colours for up to 100 runs drawn together: the theme's six chart colours first (--vscode-charts-*), then
// hues spaced by the golden angle, lighter on dark themes and darker on light ones so they keep contrast.
import type { ChartColors } from './theme';

export function runPalette(n: number, c: ChartColors): string[] {
  const out = c.series.slice(0, Math.min(n, c.series.length));
  const light = c.kind === 'light' || c.kind === 'high-contrast-light';
  for (let i = out.length; i < n; i++) {
    const hue = (i * 137.508 + 15) % 360;
    const lightness = light ? 34 + (i % 3) * 7 : 58 + (i % 3) * 8;
    const saturation = 58 + (i % 2) * 18;
    out.push(`hsl(${hue.toFixed(1)}, ${saturation}%, ${lightness}%)`);
  }
  return out;
}
