// The only module that touches @vscode/webview-ui-toolkit (deprecated upstream on 2025-01-01; its
// community successor is @vscode-elements/elements). Panels build controls through these functions,
// so switching libraries is a change of this folder only.
import {
  provideVSCodeDesignSystem, vsCodeButton, vsCodeCheckbox, vsCodeDropdown, vsCodeLink, vsCodeOption, vsCodeProgressRing,
  vsCodeRadio, vsCodeRadioGroup, vsCodeTextArea, vsCodeTextField,
} from '@vscode/webview-ui-toolkit';
import { custom, type Props } from './dom';

let registered = false;

/** Registers the custom elements once (the toolkit reads the CSP nonce from <meta property="csp-nonce">). */
export function registerToolkit(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(
    vsCodeButton(), vsCodeCheckbox(), vsCodeDropdown(), vsCodeLink(), vsCodeOption(), vsCodeProgressRing(),
    vsCodeRadio(), vsCodeRadioGroup(), vsCodeTextArea(), vsCodeTextField(),
  );
}

interface ValueElement extends HTMLElement { value: string; disabled?: boolean }

export function button(label: string, onClick: () => void, opts: { appearance?: 'primary' | 'secondary'; title?: string; disabled?: boolean; props?: Props } = {}): HTMLElement {
  const el = custom('vscode-button', { ...opts.props, title: opts.title ?? opts.props?.title }, label);
  el.setAttribute('appearance', opts.appearance ?? 'secondary');
  if (opts.disabled) el.setAttribute('disabled', '');
  el.addEventListener('click', () => {
    if (!el.hasAttribute('disabled')) onClick();
  });
  return el;
}

export function setDisabled(el: HTMLElement, disabled: boolean): void {
  if (disabled) el.setAttribute('disabled', '');
  else el.removeAttribute('disabled');
}

export interface TextInput {
  el: HTMLElement;
  get value(): string;
  set value(v: string);
  focus(): void;
}

function wrapValue(el: HTMLElement): TextInput {
  const v = el as ValueElement;
  return {
    el,
    get value() { return v.value ?? ''; },
    set value(x: string) { v.value = x; },
    focus() { el.focus(); },
  };
}

export function textField(opts: { placeholder?: string; value?: string; label: string; onInput: (value: string) => void; props?: Props }): TextInput {
  const el = custom('vscode-text-field', opts.props);
  el.setAttribute('placeholder', opts.placeholder ?? '');
  el.setAttribute('aria-label', opts.label);
  if (opts.value) el.setAttribute('value', opts.value);
  const input = wrapValue(el);
  el.addEventListener('input', () => opts.onInput(input.value));
  return input;
}

export function textArea(opts: { placeholder?: string; value?: string; label: string; rows?: number; maxLength?: number; readOnly?: boolean; onInput: (value: string) => void; props?: Props }): TextInput {
  const el = custom('vscode-text-area', opts.props);
  el.setAttribute('placeholder', opts.placeholder ?? '');
  el.setAttribute('aria-label', opts.label);
  el.setAttribute('rows', String(opts.rows ?? 4));
  el.setAttribute('resize', 'vertical');
  if (opts.maxLength) el.setAttribute('maxlength', String(opts.maxLength));
  if (opts.readOnly) el.setAttribute('readonly', '');
  const input = wrapValue(el);
  if (opts.value) input.value = opts.value;
  el.addEventListener('input', () => opts.onInput(input.value));
  return input;
}

export interface Choice<T extends string> { value: T; label: string; title?: string }

export function dropdown<T extends string>(choices: readonly Choice<T>[], selected: T, label: string, onChange: (value: T) => void, props?: Props): HTMLElement {
  const el = custom('vscode-dropdown', props);
  el.setAttribute('aria-label', label);
  for (const c of choices) {
    const o = custom('vscode-option', { title: c.title }, c.label);
    (o as ValueElement).value = c.value;
    o.setAttribute('value', c.value);
    if (c.value === selected) o.setAttribute('selected', '');
    el.append(o);
  }
  onValueChange(el, selected, choices, onChange);
  return el;
}

/**
 * FAST's select and radio group emit `change` when they connect and pick up their initial value too;
 * report only real changes, or a handler that re-renders would loop forever.
 */
function onValueChange<T extends string>(el: HTMLElement, initial: T, choices: readonly Choice<T>[], onChange: (value: T) => void): void {
  let current: string = initial;
  el.addEventListener('change', () => {
    const v = (el as ValueElement).value;
    if (v === current) return;
    const c = choices.find((x) => x.value === v);
    if (!c) return;
    current = v;
    onChange(c.value);
  });
}

export function radioGroup<T extends string>(choices: readonly Choice<T>[], selected: T, label: string, onChange: (value: T) => void, props?: Props): HTMLElement {
  const el = custom('vscode-radio-group', props);
  el.setAttribute('orientation', 'horizontal');
  const legend = custom('label', { attrs: { slot: 'label' } }, label);
  el.append(legend);
  for (const c of choices) {
    const r = custom('vscode-radio', { title: c.title }, c.label);
    r.setAttribute('value', c.value);
    if (c.value === selected) r.setAttribute('checked', '');
    el.append(r);
  }
  onValueChange(el, selected, choices, onChange);
  return el;
}

export function checkbox(label: string, checked: boolean, onChange: (checked: boolean) => void, props?: Props): HTMLElement {
  const el = custom('vscode-checkbox', props, label);
  if (checked) el.setAttribute('checked', '');
  el.addEventListener('change', () => onChange((el as unknown as { checked: boolean }).checked));
  return el;
}

export function progressRing(label: string): HTMLElement {
  return custom('vscode-progress-ring', { attrs: { 'aria-label': label } });
}

/** A link that runs `onClick` (no navigation: webviews do not navigate). */
export function link(text: string, onClick: () => void, props?: Props): HTMLElement {
  const el = custom('vscode-link', props, text);
  el.setAttribute('href', '#');
  el.addEventListener('click', (e) => {
    e.preventDefault();
    onClick();
  });
  return el;
}
