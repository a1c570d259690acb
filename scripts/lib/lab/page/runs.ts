// The Timeline view's recorded runs: a picker of the runs the runner kept (.state/runs/), and for the one
// chosen, its events on the timeline's axis, its check results, and a replay that reveals the events in
// time order, REPLAY_SPEED times faster than they happened.
import type { RecordedCheck, Recording, RunSummary } from '../../recordings.js';
import type { LabEvent } from '../hub.js';
import type { Client } from './api.js';
import { h } from './dom.js';
import { layout } from './lines.js';
import { checkLine, REPLAY_SPEED, revealed, runEvents, runLabel } from './replay.js';
import { placeMarks, timelineView } from './timeline.js';

/** A check's result as a list item: its glyph and word, its name and time, and what a failure EXPECTED and RECEIVED. */
export function checkItem(c: RecordedCheck, attrs: Record<string, string> = { 'data-testid': 'check' }): HTMLElement {
  const l = checkLine(c);
  const failure = c.expected !== undefined ? [h('pre', {}, `EXPECTED: ${c.expected}\nRECEIVED: ${c.received ?? ''}`)] : [];
  return h(
    'li',
    { class: l.tone, ...attrs, 'data-ok': String(c.ok), ...(c.skipped !== undefined ? { 'data-skipped': 'true' } : {}) },
    h('span', { class: 'badge' }, `${l.glyph} ${l.word}`),
    ` ${l.text}`,
    ...failure,
  );
}

export class RunsView {
  /** The run chosen, or '' for the live timeline. */
  chosen = '';
  readonly picker = h('select', { 'aria-label': 'Recorded runs', 'data-testid': 'runs-picker' }) as HTMLSelectElement;
  readonly controls = h('label', {}, ' Recorded runs ', this.picker);
  readonly el = h('div', { 'data-testid': 'recorded-run' });
  private readonly button = h('button', { type: 'button', 'data-testid': 'replay' }, 'Replay') as HTMLButtonElement;
  private readonly progress = h('p', { role: 'status', class: 'meta' });
  private readonly slot = h('div');
  private events: LabEvent[] = [];
  private span = { t0: 0, t1: 0 };
  private timer?: ReturnType<typeof setInterval>;
  private poll?: ReturnType<typeof setInterval>;

  constructor(
    private readonly api: Client,
    private readonly changed: () => void,
  ) {
    this.picker.append(h('option', { value: '' }, 'live timeline'));
    this.picker.addEventListener('change', () => void this.choose(this.picker.value));
    this.button.addEventListener('click', () => (this.timer ? this.stop() : this.replay()));
  }

  /** Reads the list while the Timeline view is shown, and again every 5 s (a run that ends appears). */
  shown(on: boolean): void {
    clearInterval(this.poll);
    this.poll = on ? setInterval(() => void this.list(), 5000) : undefined;
    if (on) void this.list();
  }

  private async list(): Promise<void> {
    let runs: RunSummary[];
    try {
      runs = (await this.api.get<{ runs: RunSummary[] }>('/api/runs')).runs;
    } catch {
      return;
    }
    const values = ['', ...runs.map((r) => r.project)];
    // Rebuilt only when it changed: a list open in the user's hands stays as it is.
    if ([...this.picker.options].map((o) => o.value).join() === values.join()) return;
    this.picker.replaceChildren(
      h('option', { value: '' }, 'live timeline'),
      ...runs.map((r) => h('option', { value: r.project }, runLabel(r))),
    );
    this.picker.value = values.includes(this.chosen) ? this.chosen : '';
  }

  private async choose(project: string): Promise<void> {
    this.stop();
    this.chosen = project;
    if (project) {
      try {
        this.draw(await this.api.get<Recording>(`/api/runs/${encodeURIComponent(project)}`));
      } catch (e) {
        this.el.replaceChildren(h('p', { class: 'bad notice' }, `The recording of ${project} could not be read: ${(e as Error).message}`));
      }
    }
    this.changed();
  }

  private draw(rec: Recording): void {
    this.events = runEvents(rec);
    const { t0, t1 } = layout(this.events);
    this.span = { t0, t1 };
    const checks = rec.checks.map((c) => checkItem(c));
    this.el.replaceChildren(
      h('h3', {}, `${rec.stack}: ${rec.project}`),
      h('p', { class: 'meta' }, `started ${new Date(rec.started).toLocaleString()}, recorded ${new Date(rec.ended).toLocaleString()}`),
      h('div', { class: 'filters' }, this.button, ' ', this.progress),
      this.slot,
      h('h3', {}, 'Checks'),
      checks.length ? h('ol', { class: 'checks' }, checks) : h('p', { class: 'notice' }, 'No check ran.'),
    );
    this.show(this.events.length);
  }

  /** Shows the first n events on the run's own axis. */
  private show(n: number): void {
    this.slot.replaceChildren(timelineView(this.events.slice(0, n), '', this.span));
    placeMarks(this.slot);
    this.progress.textContent = this.timer
      ? `replaying at ${REPLAY_SPEED}× speed: ${n} of ${this.events.length} events`
      : `${this.events.length} events`;
  }

  private replay(): void {
    const begun = Date.now();
    let shown = -1;
    this.button.textContent = 'Stop replay';
    this.timer = setInterval(() => {
      const n = revealed(this.events, Date.now() - begun);
      if (n !== shown) this.show((shown = n));
      if (n >= this.events.length) this.stop();
    }, 100);
    this.show(0);
  }

  private stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.button.textContent = 'Replay';
    this.show(this.events.length);
  }
}
