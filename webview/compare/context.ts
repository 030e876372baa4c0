// What the sections of the comparison panel need from the page: the state, the view settings, run colours
// and labels, and the ways to reach the host.
import type { ConfusionMatrix } from '../../src/core/model';
import type { CompareRun, CompareViewState, RunHistory } from '../../src/protocol/compare';
import type { Exporters } from '../components/layout';
import type { CompareUi } from './uiState';

export interface CompareContext extends Exporters {
  readonly ui: CompareUi;
  setUi(patch: Partial<CompareUi>): void;
  readonly state: CompareViewState;
  /** Index of the baseline run in state.runs. */
  baseline(): number;
  /** The run's chart colour (by index in state.runs). */
  color(index: number): string;
  /** The run's name, with its short id when another selected run has the same name. */
  label(index: number): string;
  visible(run: CompareRun): boolean;
  /** Hides runs from every chart (the histories' legend). */
  setHidden(runIds: string[]): void;
  openRun(runId: string): void;
  removeRun(runId: string): void;
  requestHistory(key: string): void;
  histories(key: string): Map<string, RunHistory> | undefined;
  requestMatrices(name: string, runIds: string[]): void;
  matrices(name: string): Map<string, ConfusionMatrix> | undefined;
}

/** What main.ts needs of each section. */
export interface CompareSection {
  readonly el: HTMLElement;
  /** A new state from the host; `runsChanged` when the set or order of runs changed. */
  update(state: CompareViewState, runsChanged: boolean): void;
  /** The view settings changed (baseline, hidden runs, theme): render again from the last state. */
  refresh(): void;
  destroy(): void;
}
