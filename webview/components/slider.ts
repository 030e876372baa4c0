// A labelled range input (the toolkit has no slider); styled from the theme in media/run.css.
import { h } from './dom';

export function slider(opts: { label: string; min: number; max: number; step: number; value: number; format: (v: number) => string; onChange: (v: number) => void }): HTMLElement {
  const out = h('output', { class: 'slider-value' }, opts.format(opts.value));
  const input = h('input', { class: 'slider', attrs: { type: 'range', min: String(opts.min), max: String(opts.max), step: String(opts.step), 'aria-label': opts.label } });
  input.value = String(opts.value);
  let timer: number | undefined;
  input.addEventListener('input', () => {
    const v = Number(input.value);
    out.textContent = opts.format(v);
    // Redrawing long histories on every tick would stutter: settle first.
    if (timer !== undefined) clearTimeout(timer);
    timer = window.setTimeout(() => opts.onChange(v), 120);
  });
  return h('label', { class: 'control slider-control' }, h('span', null, opts.label), input, out);
}
