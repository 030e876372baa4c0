// Overview: where the run belongs, when and how long it ran, its code version, tags, its note (editable)
// and the experiment's primary metric with this run's rank.
import { formatDuration, formatNumber, formatRelative } from '../../../src/core/format';
import { fromWire } from '../../../src/protocol/common';
import type { RunViewState } from '../../../src/protocol/run';
import { h } from '../../components/dom';
import { section } from '../../components/layout';
import { button, setDisabled, textArea, type TextInput } from '../../components/toolkit';
import type { PanelContext } from '../context';

const when = (ms: number): string => `${new Date(ms).toLocaleString()} (${formatRelative(ms)})`;

export class OverviewSection {
  readonly el: HTMLElement;
  private readonly facts = h('div', { class: 'overview-grid' });
  private readonly noteBox: HTMLElement;
  private readonly note: TextInput;
  private readonly saveBtn: HTMLElement;
  private readonly discardBtn: HTMLElement;
  private readonly noteStatus = h('span', { class: 'note-status', attrs: { role: 'status' } });
  private savedNote = '';
  private dirty = false;
  private signature = '';
  private readOnly: string | null = null;

  constructor(private readonly ctx: PanelContext) {
    this.note = textArea({
      label: 'Note', rows: 4, placeholder: 'What did you try in this run, and what did you learn?',
      onInput: (v) => this.setDirty(v !== this.savedNote),
      props: { class: 'note-input' },
    });
    this.saveBtn = button('Save Note', () => this.save(), { appearance: 'primary', disabled: true, props: { class: 'note-save' } });
    this.discardBtn = button('Discard', () => this.discard(), { disabled: true, props: { class: 'note-discard' } });
    this.noteBox = h('div', { class: 'note' },
      h('h3', null, 'Note'),
      this.note.el,
      h('div', { class: 'note-actions' }, this.saveBtn, this.discardBtn, this.noteStatus));
    this.note.el.addEventListener('keydown', (e) => {
      if ((e.ctrlKey || e.metaKey) && e.key === 'Enter' && this.dirty) this.save();
    });
    this.el = section('overview', 'Overview', this.facts, this.noteBox);
  }

  private setDirty(dirty: boolean): void {
    this.dirty = dirty;
    setDisabled(this.saveBtn, !dirty || this.readOnly !== null);
    setDisabled(this.discardBtn, !dirty);
    if (dirty) this.noteStatus.textContent = 'Unsaved changes';
    else if (this.noteStatus.textContent === 'Unsaved changes') this.noteStatus.textContent = '';
  }

  private save(): void {
    this.noteStatus.textContent = 'Saving…';
    this.noteStatus.className = 'note-status';
    setDisabled(this.saveBtn, true);
    this.ctx.saveNote(this.note.value);
  }

  private discard(): void {
    this.note.value = this.savedNote;
    this.setDirty(false);
  }

  noteSaved(text: string): void {
    this.savedNote = text;
    this.setDirty(this.note.value !== text);
    this.noteStatus.className = 'note-status ok';
    this.noteStatus.textContent = 'Saved to the run’s log';
  }

  noteFailed(message: string): void {
    this.noteStatus.className = 'note-status error';
    this.noteStatus.textContent = message;
    setDisabled(this.saveBtn, !this.dirty);
  }

  update(state: RunViewState): void {
    const r = state.run;
    this.readOnly = r.readOnly;
    const incoming = r.note ?? '';
    // Never overwrite what the user is typing; otherwise follow the store (another window may edit it).
    if (!this.dirty && incoming !== this.savedNote) this.note.value = incoming;
    this.savedNote = incoming;
    if (this.dirty && this.note.value === incoming) this.setDirty(false);
    this.note.el.setAttribute('maxlength', String(state.limits.note));
    if (r.readOnly) {
      this.note.el.setAttribute('readonly', '');
      this.noteStatus.textContent = r.readOnly;
    }

    const sig = JSON.stringify([r, state.primary, Math.floor(Date.now() / 60_000)]);
    if (sig === this.signature) return;
    this.signature = sig;

    const dl = h('dl', { class: 'facts' });
    const fact = (term: string, ...value: (Node | string)[]): void => { dl.append(h('dt', null, term), h('dd', null, ...value)); };
    fact('Experiment', r.experimentName);
    fact('Run name', r.name ?? h('span', { class: 'muted' }, 'unnamed'));
    fact('Status', h('span', { class: `status status-${r.status}` }, r.status), r.deleted ? h('span', { class: 'status status-deleted' }, 'deleted') : '');
    fact('Started', when(r.startTime));
    fact('Ended', r.endTime !== null ? when(r.endTime) : h('span', { class: 'muted' }, r.status === 'running' ? 'still running' : 'not recorded'));
    fact('Duration', r.durationMs !== null ? formatDuration(r.durationMs)
      : r.status === 'running' ? `running for ${formatDuration(Date.now() - r.startTime)}` : h('span', { class: 'muted' }, 'not recorded'));
    if (r.git) {
      const commit = h('code', { class: 'commit', title: r.git.commit }, r.git.commit.slice(0, 10));
      fact('Git commit', commit, r.git.branch ? ` on ${r.git.branch}` : '',
        r.git.dirty ? h('span', { class: 'warn', title: 'The working tree had uncommitted changes when the run started: the commit alone does not reproduce it.' }, ' · uncommitted changes') : '',
        ' ', button('Copy', () => this.ctx.copy(r.git?.commit ?? '', 'the commit'), { title: 'Copy the full commit hash', props: { class: 'inline-btn' } }));
    } else {
      fact('Git commit', h('span', { class: 'muted' }, 'not recorded (the run was not started inside a git repository)'));
    }
    fact('Run id', h('code', { class: 'run-id' }, r.id), ' ', button('Copy', () => this.ctx.copy(r.id, 'the run id'), { title: 'Copy the run id', props: { class: 'inline-btn' } }));

    const side = h('div', { class: 'overview-side' }, this.primaryCard(state), this.tags(state));
    this.facts.replaceChildren(dl, side);
  }

  private primaryCard(state: RunViewState): HTMLElement {
    const p = state.primary;
    if (!p) {
      return h('div', { class: 'primary-card empty' },
        h('div', { class: 'primary-label' }, 'Primary metric'),
        h('div', { class: 'muted' }, 'This run has logged no metric yet (see Metrics below).'));
    }
    const value = fromWire(p.value);
    const better = p.direction === 'max' ? 'higher is better' : 'lower is better';
    const rank = p.rank === null
      ? 'not ranked (the value is NaN)'
      : p.of <= 1 ? 'the only run of the experiment with this metric so far' : `rank ${p.rank} of ${p.of} runs in ${state.run.experimentName}`;
    return h('div', { class: 'primary-card', data: { metric: p.key } },
      h('div', { class: 'primary-label' }, p.key, h('span', { class: 'muted' }, p.inferred ? '  headline metric' : '  primary metric')),
      h('div', { class: 'primary-value', title: String(value) }, formatNumber(value)),
      h('div', { class: `primary-rank${p.rank === 1 && p.of > 1 ? ' best' : ''}` }, p.rank === 1 && p.of > 1 ? `best of ${p.of} runs in ${state.run.experimentName}` : rank, ` · ${better}`),
      p.inferred ? h('div', { class: 'hint' }, 'The experiment names no primary metric, so this one was picked from the run’s metrics.') : null);
  }

  private tags(state: RunViewState): HTMLElement {
    const tags = state.run.tags;
    return h('div', { class: 'tags' },
      h('h3', null, 'Tags'),
      tags.length
        ? h('div', { class: 'chips' }, tags.map((t) => h('span', { class: 'chip', title: `${t.key}: ${t.value}` }, h('span', { class: 'chip-key' }, t.key), t.value ? `: ${t.value}` : '')))
        : h('div', { class: 'muted' }, 'No tags. Tag runs from the Runs view to find them again.'));
  }
}
