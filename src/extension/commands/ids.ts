// Every command id, in one place; package.json declares the same ids (an integration test checks both agree).
export const Commands = {
  refresh: 'mlops.refresh',
  rebuildStore: 'mlops.rebuildStore',
  showLog: 'mlops.showLog',
  revealStore: 'mlops.revealStore',
  showGettingStarted: 'mlops.showGettingStarted',
} as const;

export type CommandId = (typeof Commands)[keyof typeof Commands];

export const VIEW_RUNS = 'mlops.runs';
