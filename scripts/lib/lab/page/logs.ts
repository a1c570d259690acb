// The Logs view: a live tail of the containers ticked in the list, each in its own colour and always with
// its name, filtered by text and by level. Our sidecars' JSON lines show as their message and fields.
import type { LabEvent } from '../hub.js';
import type { LogLine } from '../logs.js';
import type { StacksAnswer } from '../stacks.js';
import type { Client } from './api.js';
import { h } from './dom.js';

const KEEP = 1000;
const COLOURS = 8;

/** A JSON line as text: its message, then its other fields as key=value. */
export function shown(l: LogLine): string {
  if (!l.fields) return l.text;
  const { msg, message, ts, time, level, ...rest } = l.fields;
  const head = String(msg ?? message ?? '');
  const tail = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return [head, ...tail].filter(Boolean).join('  ');
}

export class LogsView {
  readonly el: HTMLElement;
  private readonly picker = h('fieldset', { class: 'picker' });
  private readonly list = h('ol', { class: 'log', 'aria-label': 'Log lines, newest last' });
  private readonly text = h('input', {
    type: 'search',
    placeholder: 'filter text',
    'aria-label': 'Filter lines by text',
  }) as HTMLInputElement;
  private readonly level = h('select', { 'aria-label': 'Filter lines by level' }) as HTMLSelectElement;
  private readonly open = new Map<string, AbortController>();
  private readonly colour = new Map<string, number>();
  private readonly ended = new Set<string>();
  private lines: { c: string; l: LogLine }[] = [];
  private pending?: ReturnType<typeof setTimeout>;

  constructor(private readonly api: Client) {
    this.level.append(...['all levels', 'error', 'warn', 'info', 'debug'].map((v, i) => h('option', { value: i ? v : '' }, v)));
    this.text.addEventListener('input', () => this.draw());
    this.level.addEventListener('change', () => this.draw());
    this.el = h('div', { class: 'logs' }, this.picker, h('div', {}, h('div', { class: 'filters' }, this.text, ' ', this.level), this.list));
  }

  /** The containers to choose from: those of the stacks now up (ticks kept). */
  containers(answer: StacksAnswer | undefined): void {
    const names = (answer?.stacks ?? []).flatMap((s) => s.pods.flatMap((p) => p.containers.map((c) => c.name)));
    const boxes = names.map((n) => {
      const box = h('input', { type: 'checkbox', value: n, id: `log-${n}` }) as HTMLInputElement;
      box.checked = this.open.has(n);
      box.addEventListener('change', () => (box.checked ? this.follow(n) : this.unfollow(n)));
      return h('div', {}, box, h('label', { for: `log-${n}`, class: `c${this.colourOf(n)}` }, ` ${n}`));
    });
    this.picker.replaceChildren(h('legend', {}, 'Containers to tail'), ...(boxes.length ? boxes : [h('p', {}, 'No container is up.')]));
  }

  private colourOf(name: string): number {
    if (!this.colour.has(name)) this.colour.set(name, this.colour.size % COLOURS);
    return this.colour.get(name)!;
  }

  /** A container that starts again while it is ticked is followed again, from the second it started. */
  event(e: LabEvent): void {
    if (e.action === 'start' && this.ended.has(e.container) && this.open.has(e.container))
      this.follow(e.container, Math.floor(e.time / 1000));
  }

  private follow(name: string, since?: number): void {
    const stop = new AbortController();
    this.open.set(name, stop);
    this.ended.delete(name);
    const note = (text: string) => this.add(name, { time: Date.now(), stream: 'stderr', text: `— ${text} —` });
    const from = since ? `&tail=1000&since=${since}` : '&tail=100';
    this.api
      .stream<{ type: string } & Partial<LogLine>>(
        `/api/logs?container=${encodeURIComponent(name)}${from}`,
        (m) => {
          if (m.type === 'log') this.add(name, m as LogLine);
          else if (m.type === 'end') {
            this.ended.add(name);
            note('the log ended (the container stopped or went away); it is followed again when the container starts');
          }
        },
        stop.signal,
      )
      .catch((e: Error) => stop.signal.aborted || note(`the log could not be read: ${e.message}`));
  }

  private unfollow(name: string): void {
    this.open.get(name)?.abort();
    this.open.delete(name);
  }

  private add(c: string, l: LogLine): void {
    this.lines.push({ c, l });
    if (this.lines.length > KEEP) this.lines.splice(0, this.lines.length - KEEP);
    this.pending ??= setTimeout(() => {
      this.pending = undefined;
      this.draw();
    }, 100);
  }

  private draw(): void {
    const text = this.text.value.toLowerCase();
    const level = this.level.value;
    const rows = this.lines.filter(({ l }) => (!level || l.level === level) && (!text || `${l.text}`.toLowerCase().includes(text)));
    this.list.replaceChildren(
      ...rows.map(({ c, l }) =>
        h(
          'li',
          { class: `c${this.colourOf(c)}${l.stream === 'stderr' ? ' stderr' : ''}` },
          h('span', { class: 'who' }, c),
          ' ',
          h('span', { class: 'when' }, l.time ? new Date(l.time).toLocaleTimeString() : ''),
          ' ',
          l.level ? h('span', { class: `lvl ${l.level}` }, l.level.toUpperCase()) : null,
          ' ',
          shown(l),
        ),
      ),
    );
    this.list.lastElementChild?.scrollIntoView({ block: 'nearest' });
  }
}
