// The webview's side of the channel to the extension host, typed with the protocol.
import type { RunFromWebview, RunPanelState } from '../../src/protocol/run';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function send(message: RunFromWebview): void {
  api.postMessage(message);
}

/** What survives hiding the panel (no retainContextWhenHidden) and a window reload (the serializer reads runId). */
export function saveState(state: RunPanelState): void {
  api.setState(state);
}

export function loadState(): { runId?: string; ui?: unknown } {
  const s = api.getState();
  if (typeof s !== 'object' || s === null) return {};
  const o = s as { runId?: unknown; ui?: unknown };
  return { runId: typeof o.runId === 'string' ? o.runId : undefined, ui: o.ui };
}
