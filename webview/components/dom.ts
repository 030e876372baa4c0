// Building DOM without HTML strings: every string becomes a text node, so user data (run names,
// parameter values, class labels, notes) is always shown as the characters it is.

export type Child = Node | string | number | null | undefined | false;
export type Children = (Child | readonly Child[])[];

export interface Props {
  class?: string;
  id?: string;
  title?: string;
  role?: string;
  /** Other attributes (aria-*, tabindex, ...). Values are attribute text, never markup. */
  attrs?: Record<string, string>;
  data?: Record<string, string | undefined>;
  on?: { [K in keyof HTMLElementEventMap]?: (ev: HTMLElementEventMap[K]) => void };
}

function applyProps(el: Element, props: Props | undefined): void {
  if (!props) return;
  if (props.class) el.setAttribute('class', props.class);
  if (props.id) el.id = props.id;
  if (props.title !== undefined) el.setAttribute('title', props.title);
  if (props.role) el.setAttribute('role', props.role);
  for (const [k, v] of Object.entries(props.attrs ?? {})) el.setAttribute(k, v);
  for (const [k, v] of Object.entries(props.data ?? {})) if (v !== undefined) (el as HTMLElement).dataset[k] = v;
  for (const [k, fn] of Object.entries(props.on ?? {})) el.addEventListener(k, fn as EventListener);
}

export function append(el: Element | DocumentFragment, children: Children): void {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** An element with props and children; strings are text. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props?: Props | null, ...children: Children): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  applyProps(el, props ?? undefined);
  append(el, children);
  return el;
}

/** A custom element (the toolkit's), by tag name. */
export function custom(tag: string, props?: Props | null, ...children: Children): HTMLElement {
  const el = document.createElement(tag);
  applyProps(el, props ?? undefined);
  append(el, children);
  return el;
}

export function clear(el: Element): void {
  el.replaceChildren();
}

/** Visible only to screen readers (and to tests reading the DOM). */
export function srOnly(...children: Children): HTMLSpanElement {
  return h('span', { class: 'sr-only' }, ...children);
}
