// The Actions view's traffic: each sidecar's counters of the run picked (GET /api/traffic, from its own
// /metrics), read every 2 s while the view is shown, as rates per second between two reads.
import type { TrafficAnswer } from '../traffic.js';
import type { Client } from './api.js';
import { h } from './dom.js';
import { type Rate, rates } from './steps.js';

export class TrafficPanel {
  private readonly list = h('ul', { 'data-testid': 'traffic', class: 'traffic' });
  readonly el = h(
    'div',
    {},
    h('p', { class: 'meta' }, 'From each sidecar’s own /metrics, read every 2 s while this view is shown.'),
    this.list,
  );
  private last?: TrafficAnswer;
  private poll?: ReturnType<typeof setInterval>;

  constructor(
    private readonly api: Client,
    private readonly project: () => string,
  ) {}

  shown(on: boolean): void {
    clearInterval(this.poll);
    this.poll = on ? setInterval(() => void this.read(), 2000) : undefined;
    if (on) void this.read();
  }

  private async read(): Promise<void> {
    const project = this.project();
    if (!project) return this.list.replaceChildren();
    let t: TrafficAnswer;
    try {
      t = await this.api.get<TrafficAnswer>(`/api/traffic?project=${encodeURIComponent(project)}`);
    } catch {
      return;
    }
    const shown = rates(this.last, t);
    this.last = t;
    this.list.replaceChildren(...(shown.length ? shown.map(line) : [h('li', {}, 'No sidecar of this run counts its traffic.')]));
  }
}

function line(r: Rate): HTMLElement {
  const rate = r.perSecond === null ? 'measuring…' : `${r.perSecond.toFixed(1)}/s`;
  return h(
    'li',
    {
      'data-testid': 'rate',
      'data-service': r.service,
      'data-what': r.what,
      'data-per-second': r.perSecond === null ? '' : String(r.perSecond),
    },
    h('code', {}, r.service),
    r.why ? `: ${r.why}` : ` ${r.what}: ${rate} (${r.total} in all)`,
  );
}
