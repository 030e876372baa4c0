// What the sections get from the page: the view settings and the ways to reach the host.
import type { MetricHistory } from '../../src/protocol/run';
import type { Exporters } from '../components/layout';
import type { UiState } from './uiState';

export interface PanelContext extends Exporters {
  readonly ui: UiState;
  setUi(patch: Partial<UiState>): void;
  openRun(runId: string): void;
  saveNote(text: string): void;
  /** Asks the host for a metric's history; `withTimes` adds the wall-clock times (for the time axis and CSV). */
  requestHistory(key: string, withTimes: boolean): void;
  history(key: string): MetricHistory | undefined;
}
