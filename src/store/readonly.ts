// A read-only view for processes that are not the extension (the SDK, the CLI): the saved database
// plus whatever the logs hold beyond it, in memory. Never writes tracking.db.
import { existsSync, readFileSync } from 'node:fs';
import { ingestLogs, type IngestResult } from '../ingest/tailer';
import { LogLayout } from '../ingest/writer';
import { syncMlflowStores, type SyncResult } from './mlflowSync';
import { loadSqlJs } from './sqljs';
import { StoreOpenError, TrackingStore } from './store';

/** `mlflow: false` leaves the workspace's MLflow stores out; by default they are read in (read-only runs). */
export async function openReadOnlyStore(workspace: string, opts: { mlflow?: false | { extraPaths?: string[] } } = {}): Promise<{ store: TrackingStore; result: IngestResult; mlflow?: SyncResult }> {
  const SQL = await loadSqlJs();
  const layout = new LogLayout(workspace);
  let store: TrackingStore;
  try {
    store = TrackingStore.open(SQL, existsSync(layout.dbPath) ? readFileSync(layout.dbPath) : undefined);
  } catch (e) {
    if (!(e instanceof StoreOpenError)) throw e;
    store = TrackingStore.open(SQL);
  }
  let result = ingestLogs(store, workspace, layout.runsDir);
  if (result.rebuildReason) {
    store.close();
    store = TrackingStore.open(SQL);
    result = ingestLogs(store, workspace, layout.runsDir);
  }
  const mlflow = opts.mlflow === false ? undefined : await syncMlflowStores(store, workspace, { extraPaths: opts.mlflow?.extraPaths, SQL });
  return { store, result, mlflow };
}
