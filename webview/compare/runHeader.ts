// The header of a run's column: its colour, its name (opens the run), and a mark on the baseline.
import { h } from '../components/dom';
import type { WideColumn } from '../components/wideTable';
import type { CompareContext } from './context';

export function runColumns(ctx: CompareContext): WideColumn[] {
  const b = ctx.baseline();
  return ctx.state.runs.map((r, i) => {
    const swatch = h('span', { class: 'swatch', attrs: { 'aria-hidden': 'true' } });
    swatch.style.backgroundColor = ctx.color(i);
    return {
      header: h('span', { class: 'run-head' }, swatch,
        h('a', { class: 'run-head-name', attrs: { href: '#' }, on: { click: (e) => { e.preventDefault(); ctx.openRun(r.id); } } }, ctx.label(i)),
        i === b ? h('span', { class: 'pill baseline-pill' }, 'baseline') : null),
      title: `${r.displayName} · ${r.experimentName} · ${r.status} · ${r.id}`,
      className: i === b ? 'is-baseline' : undefined,
      data: { runId: r.id },
    };
  });
}
