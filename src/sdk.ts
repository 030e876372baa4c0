// The package's Node entry: `import { MLOpsContext } from 'mlops-tracking'`.
export { MLOpsContext, MLOpsError, LifeCycleCatalog, DataCatalog, TrainingCatalog, EvaluationCatalog } from './sdk/context';
export type { Experiment, Run, DataSource } from './sdk/context';
export type {
  ClassificationReport, ClassReport, ColumnProfile, ColumnType, ConfusionMatrix, DatasetProfile, Direction, Distribution,
  EndStatus, GitInfo, ParamValue, RunStatus,
} from './core/model';
export type { RunDetail, RunSummary, MetricSummary } from './store/store';
export { classificationReport, confusionFromPairs, normalizeMatrix } from './core/classification';
export { extractHyperParameters } from './core/hyperparams';
export { profileFile, profileRows } from './core/profile';
