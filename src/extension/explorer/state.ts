// What the Runs view shows: the filter, the sort order and whether deleted runs are listed.
// Kept in the workspace state so that it survives a reload; mirrored in context keys for the menus.
import * as vscode from 'vscode';
import { parseQuery, type RunQuery } from '../../core/query';
import { DEFAULT_SORT, type RunSort } from '../../store/queries/runs';

interface Saved { filter?: string; sort?: RunSort; showDeleted?: boolean }
const KEY = 'mlops.explorer';

export class ExplorerState implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private _query?: RunQuery;
  private _sort: RunSort = DEFAULT_SORT;
  private _showDeleted = false;

  constructor(private readonly memento: vscode.Memento) {
    const saved = memento.get<Saved>(KEY) ?? {};
    try {
      if (saved.filter) this._query = parseQuery(saved.filter);
    } catch {
      // a filter saved by an older version that no longer parses: start without it
    }
    if (saved.sort && typeof saved.sort === 'object' && saved.sort.key) this._sort = saved.sort;
    this._showDeleted = saved.showDeleted === true;
    this.updateContext();
  }

  get query(): RunQuery | undefined { return this._query; }
  get sort(): RunSort { return this._sort; }
  get showDeleted(): boolean { return this._showDeleted; }

  /** Sets the filter from its text; throws QueryError (nothing changes) when it does not parse. */
  setFilter(text: string | undefined): void {
    const q = text && text.trim() ? parseQuery(text) : undefined;
    this._query = q && q.conditions.length > 0 ? q : undefined;
    this.save();
  }

  setSort(sort: RunSort): void {
    this._sort = sort;
    this.save();
  }

  setShowDeleted(show: boolean): void {
    this._showDeleted = show;
    this.save();
  }

  /** The view's description: the active filter and a non-default sort. */
  describe(): string | undefined {
    const parts: string[] = [];
    if (this._query) parts.push(`filter: ${this._query.text}`);
    const k = this._sort.key;
    if (k.by !== 'started' || !this._sort.descending) parts.push(`sorted by ${k.by === 'metric' ? k.metric : k.by === 'started' ? 'start time' : 'name'} ${this._sort.descending ? '↓' : '↑'}`);
    if (this._showDeleted) parts.push('showing deleted');
    return parts.length ? parts.join(' · ') : undefined;
  }

  private save(): void {
    void this.memento.update(KEY, { filter: this._query?.text, sort: this._sort, showDeleted: this._showDeleted } satisfies Saved);
    this.updateContext();
    this.changed.fire();
  }

  private updateContext(): void {
    void vscode.commands.executeCommand('setContext', 'mlops.filterActive', this._query !== undefined);
    void vscode.commands.executeCommand('setContext', 'mlops.showDeleted', this._showDeleted);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
