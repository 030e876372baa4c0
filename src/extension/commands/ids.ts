// Every command id, in one place; package.json declares the same ids (an integration test checks both agree).
export const Commands = {
  refresh: 'mlops.refresh',
  rebuildStore: 'mlops.rebuildStore',
  showLog: 'mlops.showLog',
  revealStore: 'mlops.revealStore',
  showGettingStarted: 'mlops.showGettingStarted',
  openRun: 'mlops.openRun',
  compareRuns: 'mlops.compareRuns',
  createExperiment: 'mlops.createExperiment',
  startRun: 'mlops.startRun',
  endRun: 'mlops.endRun',
  logDataset: 'mlops.logDataset',
  logHyperParameters: 'mlops.logHyperParameters',
  logMetrics: 'mlops.logMetrics',
  logConfusionMatrix: 'mlops.logConfusionMatrix',
  renameRun: 'mlops.renameRun',
  tagRun: 'mlops.tagRun',
  addNote: 'mlops.addNote',
  starRun: 'mlops.starRun',
  unstarRun: 'mlops.unstarRun',
  deleteRun: 'mlops.deleteRun',
  restoreRun: 'mlops.restoreRun',
  showDeleted: 'mlops.showDeleted',
  hideDeleted: 'mlops.hideDeleted',
  setPrimaryMetric: 'mlops.setPrimaryMetric',
  filterRuns: 'mlops.filterRuns',
  clearFilter: 'mlops.clearFilter',
  sortRuns: 'mlops.sortRuns',
  copyRunId: 'mlops.copyRunId',
  exportRuns: 'mlops.exportRuns',
  importMlflow: 'mlops.importMlflow',
} as const;

export type CommandId = (typeof Commands)[keyof typeof Commands];

export const VIEW_RUNS = 'mlops.runs';
