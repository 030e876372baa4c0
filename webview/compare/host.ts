// The webview's side of the channel to the extension host, typed with the compare protocol.
import type { CompareFromWebview, ComparePanelState } from '../../src/protocol/compare';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function send(message: CompareFromWebview): void {
  api.postMessage(message);
}

/** What survives hiding the panel (no retainContextWhenHidden) and a window reload (the serializer reads runIds). */
export function saveState(state: ComparePanelState): void {
  api.setState(state);
}

export function loadState(): { runIds?: string[]; follow?: boolean; ui?: unknown } {
  const s = api.getState();
  if (typeof s !== 'object' || s === null) return {};
  const o = s as { runIds?: unknown; follow?: unknown; ui?: unknown };
  return {
    runIds: Array.isArray(o.runIds) ? o.runIds.filter((x): x is string => typeof x === 'string') : undefined,
    follow: typeof o.follow === 'boolean' ? o.follow : undefined,
    ui: o.ui,
  };
}
