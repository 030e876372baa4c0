// Chart colours from VS Code's theme variables (--vscode-charts-*), read with getComputedStyle and
// read again when the theme changes (VS Code swaps the body's class and the variables on <html>).

export interface ChartColors {
  foreground: string;
  /** Grid and axis lines. */
  lines: string;
  background: string;
  blue: string;
  red: string;
  green: string;
  yellow: string;
  orange: string;
  purple: string;
  /** Series colours in order. */
  series: string[];
  fontFamily: string;
  fontSize: number;
  /** 'light' | 'dark' | 'high-contrast' | 'high-contrast-light' */
  kind: string;
}

const FALLBACK = {
  foreground: '#cccccc', lines: '#80808059', background: '#1e1e1e', blue: '#3794ff', red: '#f14c4c', green: '#89d185',
  yellow: '#cca700', orange: '#d18616', purple: '#b180d7',
};

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  const v = style.getPropertyValue(name).trim();
  return v || fallback;
}

export function themeKind(): string {
  const c = document.body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (c.contains('vscode-high-contrast')) return 'high-contrast';
  if (c.contains('vscode-light')) return 'light';
  return 'dark';
}

export function readChartColors(): ChartColors {
  const s = getComputedStyle(document.body);
  const blue = cssVar(s, '--vscode-charts-blue', FALLBACK.blue);
  const red = cssVar(s, '--vscode-charts-red', FALLBACK.red);
  const green = cssVar(s, '--vscode-charts-green', FALLBACK.green);
  const yellow = cssVar(s, '--vscode-charts-yellow', FALLBACK.yellow);
  const orange = cssVar(s, '--vscode-charts-orange', FALLBACK.orange);
  const purple = cssVar(s, '--vscode-charts-purple', FALLBACK.purple);
  const size = parseFloat(cssVar(s, '--vscode-font-size', '13px'));
  return {
    foreground: cssVar(s, '--vscode-charts-foreground', cssVar(s, '--vscode-foreground', FALLBACK.foreground)),
    lines: cssVar(s, '--vscode-charts-lines', FALLBACK.lines),
    background: cssVar(s, '--vscode-editor-background', FALLBACK.background),
    blue, red, green, yellow, orange, purple,
    series: [blue, orange, green, purple, red, yellow],
    fontFamily: cssVar(s, '--vscode-font-family', 'system-ui, sans-serif'),
    fontSize: Number.isFinite(size) ? size : 13,
    kind: themeKind(),
  };
}

/** Calls `onChange` (once per frame at most) when the theme changes; returns a function that stops watching. */
export function watchTheme(onChange: () => void): () => void {
  let scheduled = false;
  let last = `${document.body.className}|${document.documentElement.getAttribute('style') ?? ''}`;
  const fire = (): void => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      const now = `${document.body.className}|${document.documentElement.getAttribute('style') ?? ''}`;
      if (now === last) return;
      last = now;
      onChange();
    });
  };
  const observer = new MutationObserver(fire);
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
  return () => observer.disconnect();
}

// ------------------------------------------------------------------ colour arithmetic

export interface Rgba { r: number; g: number; b: number; a: number }

let probe: CanvasRenderingContext2D | null | undefined;

/** Parses any CSS colour (the theme's are #rrggbb or #rrggbbaa) through a canvas, which normalises it. */
export function parseColor(color: string): Rgba {
  const hex = /^#([0-9a-f]{3,8})$/i.exec(color.trim());
  if (hex) {
    let x = hex[1];
    if (x.length === 3 || x.length === 4) x = [...x].map((c) => c + c).join('');
    const n = (i: number): number => parseInt(x.slice(i, i + 2), 16);
    return { r: n(0), g: n(2), b: n(4), a: x.length === 8 ? n(6) / 255 : 1 };
  }
  probe ??= document.createElement('canvas').getContext('2d');
  if (probe) {
    probe.fillStyle = '#000000';
    probe.fillStyle = color;
    const v = String(probe.fillStyle);
    if (v.startsWith('#')) return parseColor(v);
    const m = /rgba?\(([^)]+)\)/.exec(v);
    if (m) {
      const [r, g, b, a] = m[1].split(',').map((p) => parseFloat(p));
      return { r, g, b, a: a === undefined || Number.isNaN(a) ? 1 : a };
    }
  }
  return { r: 128, g: 128, b: 128, a: 1 };
}

export function rgba(c: Rgba): string {
  return `rgba(${Math.round(c.r)}, ${Math.round(c.g)}, ${Math.round(c.b)}, ${Number(c.a.toFixed(3))})`;
}

export function withAlpha(color: string, alpha: number): string {
  const c = parseColor(color);
  return rgba({ ...c, a: c.a * alpha });
}

/** `top` painted over an opaque `bottom`. */
export function composite(top: Rgba, bottom: Rgba): Rgba {
  const a = top.a;
  return { r: top.r * a + bottom.r * (1 - a), g: top.g * a + bottom.g * (1 - a), b: top.b * a + bottom.b * (1 - a), a: 1 };
}

/** WCAG relative luminance. */
export function luminance(c: Rgba): number {
  const f = (v: number): number => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
}

export function contrast(a: Rgba, b: Rgba): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

/** Of the candidates, the text colour that reads best on `background`. */
export function readableOn(background: Rgba, candidates: readonly string[]): string {
  let best = candidates[0];
  let bestContrast = -1;
  for (const c of candidates) {
    const k = contrast(composite(parseColor(c), background), background);
    if (k > bestContrast) { bestContrast = k; best = c; }
  }
  return best;
}
