// The Actions view: a stack run's checks, run from the page against its running project by the check verb
// (POST /api/checks), each check's result shown as it ends, with what a failure EXPECTED and RECEIVED; the
// checks that stop, kill or restart containers, or start more, run only after a confirm step. Then the chaos
// steps the lessons take on that run's pods (POST /api/chaos), each marked on the timeline; and a snapshot of
// its pods and timeline as an SVG file, for slides.
import type { RecordedCheck } from '../../recordings.js';
import type { LabEvent } from '../hub.js';
import type { StacksAnswer } from '../stacks.js';
import type { Client } from './api.js';
import { h } from './dom.js';
import { checkItem } from './runs.js';
import { chaosSteps, checkable, tally } from './steps.js';
import { snapshotSvg } from './svg.js';
import { TrafficPanel } from './traffic.js';

type CheckMessage =
  | { type: 'hello'; project: string; confirm: boolean }
  | ({ type: 'check'; number: number } & RecordedCheck)
  | { type: 'line'; text: string }
  | { type: 'end'; code: number | null; signal?: string };

export class ActionsView {
  readonly el = h('div', { class: 'actions' });
  private readonly picker = h('select', { 'aria-label': 'Stack run to act on', 'data-testid': 'actions-project' }) as HTMLSelectElement;
  private readonly run = h('button', { type: 'button', 'data-testid': 'run-checks' }, 'Run its checks') as HTMLButtonElement;
  private readonly runAll = h(
    'button',
    { type: 'button', 'data-testid': 'run-all-checks' },
    'Run all its checks, also those that stop or start containers…',
  ) as HTMLButtonElement;
  private readonly only = h('input', {
    type: 'text',
    inputmode: 'numeric',
    size: '8',
    pattern: '\\d{1,3}(,\\d{1,3})*',
    'aria-label': 'Only these checks: their numbers, e.g. 1,8 (empty: every check)',
    'data-testid': 'checks-only',
  }) as HTMLInputElement;
  private readonly confirm = h('div', { role: 'alertdialog', 'aria-label': 'Confirm', class: 'confirm', hidden: '' });
  private readonly status = h('p', { role: 'status', 'data-testid': 'checks-status', class: 'meta' }, 'No checks run yet.');
  private readonly results = h('ol', { class: 'checks', 'data-testid': 'check-results' });
  private readonly output = h('pre', { 'data-testid': 'check-output', class: 'output' });
  private readonly chaos = h('div', { 'data-testid': 'chaos' });
  private readonly chaosStatus = h('p', { role: 'status', 'data-testid': 'chaos-status', class: 'meta' });
  private readonly traffic: TrafficPanel;
  private stacks: StacksAnswer['stacks'] = [];
  private running = false;

  private readonly exportSvg = h('button', { type: 'button', 'data-testid': 'export-svg' }, 'Download its pods and timeline as SVG');

  constructor(
    private readonly api: Client,
    private readonly events: () => LabEvent[],
  ) {
    this.traffic = new TrafficPanel(api, () => this.picker.value);
    const yes = h('button', { type: 'button', 'data-testid': 'confirm-yes' }, 'Yes, run them all');
    const no = h('button', { type: 'button', 'data-testid': 'confirm-no' }, 'Cancel');
    this.confirm.append(
      h(
        'p',
        {},
        'Some checks stop, kill or restart containers, or start more beside the pods. The run is brought back after each. Run them?',
      ),
      yes,
      ' ',
      no,
    );
    this.run.addEventListener('click', () => void this.check(false));
    this.runAll.addEventListener('click', () => {
      this.confirm.hidden = false;
      yes.focus();
    });
    yes.addEventListener('click', () => void this.check(true));
    no.addEventListener('click', () => {
      this.confirm.hidden = true;
    });
    this.picker.addEventListener('change', () => this.drawChaos());
    this.exportSvg.addEventListener('click', () => this.download());
    this.el.append(
      h('div', { class: 'filters' }, h('label', {}, 'Stack run ', this.picker)),
      h('h3', {}, 'Checks'),
      h('div', { class: 'filters' }, h('label', {}, 'Only checks ', this.only), ' ', this.run, ' ', this.runAll),
      this.confirm,
      this.status,
      this.results,
      h('details', {}, h('summary', {}, 'What the check verb printed'), this.output),
      h('h3', {}, 'Chaos'),
      this.chaos,
      this.chaosStatus,
      h('h3', {}, 'Traffic'),
      this.traffic.el,
      h('h3', {}, 'Snapshot'),
      this.exportSvg,
    );
  }

  /** Reads the traffic while the view is shown. */
  shown(on: boolean): void {
    this.traffic.shown(on);
  }

  /** A new pod picture: the runs to pick from, and the chaos steps of the one picked. */
  pods(answer: StacksAnswer | undefined): void {
    this.stacks = checkable(answer?.stacks ?? []);
    const values = this.stacks.map((s) => s.project);
    if ([...this.picker.options].map((o) => o.value).join() !== values.join()) {
      const was = this.picker.value;
      this.picker.replaceChildren(...this.stacks.map((s) => h('option', { value: s.project }, `${s.stack}: ${s.project}`)));
      if (values.includes(was)) this.picker.value = was;
    }
    this.buttons();
    this.drawChaos();
  }

  private buttons(): void {
    const none = this.running || !this.picker.value;
    this.run.disabled = none;
    this.runAll.disabled = none;
    this.exportSvg.toggleAttribute('disabled', !this.picker.value);
  }

  private async check(confirm: boolean): Promise<void> {
    const project = this.picker.value;
    if (!project || this.running) return;
    this.confirm.hidden = true;
    this.running = true;
    this.buttons();
    const got: RecordedCheck[] = [];
    this.results.replaceChildren();
    this.output.textContent = '';
    const only = this.only.value.replace(/\s+/g, '');
    this.status.textContent = `running ${only ? `check ${only}` : 'the checks'} of ${project}${confirm ? ', all of them' : ''}…`;
    let end: { code: number | null } | undefined;
    try {
      await this.api.stream<CheckMessage>(
        '/api/checks',
        (m) => {
          if (m.type === 'check') {
            got.push(m);
            this.results.append(checkItem(m, { 'data-testid': 'check-result', 'data-number': String(m.number) }));
            this.status.textContent = `running the checks of ${project}: ${tally(got)} so far…`;
          } else if (m.type === 'line') this.output.textContent += `${m.text}\n`;
          else if (m.type === 'end') end = m;
        },
        new AbortController().signal,
        { project, confirm, ...(only ? { only } : {}) },
      );
      this.status.textContent =
        end?.code === 0 || end?.code === 1
          ? `done: ${tally(got)}; ${project} is still up`
          : `the check verb ended with ${end ? `exit ${end.code}` : 'no end'}: ${this.output.textContent.trim().split('\n').at(-1) ?? ''}`;
    } catch (e) {
      this.status.textContent = `the checks could not run: ${(e as Error).message}`;
    } finally {
      this.status.dataset.state = 'done';
      this.running = false;
      this.buttons();
    }
  }

  private drawChaos(): void {
    const s = this.stacks.find((x) => x.project === this.picker.value);
    const steps = s ? chaosSteps(s) : [];
    const key = steps.map((st) => `${st.action}/${st.container}`).join();
    if (this.chaos.dataset.key === key) return;
    this.chaos.dataset.key = key;
    if (!steps.length) {
      this.chaos.replaceChildren(h('p', { class: 'notice' }, s ? 'No chaos step for this run’s pods.' : 'No stack run is up.'));
      return;
    }
    this.chaos.replaceChildren(
      ...steps.map((st) => {
        const b = h('button', { type: 'button', 'data-testid': `chaos-${st.action}-${st.service}` }, st.label);
        b.addEventListener('click', () => void this.act(st.container, st.action));
        return b;
      }),
    );
  }

  /** Saves the snapshot of the run picked as <project>.svg, through a link to a Blob (nothing leaves the page). */
  private download(): void {
    const s = this.stacks.find((x) => x.project === this.picker.value);
    if (!s) return;
    const url = URL.createObjectURL(new Blob([snapshotSvg(s, this.events())], { type: 'image/svg+xml' }));
    const a = h('a', { href: url, download: `${s.project}.svg` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  private async act(container: string, action: string): Promise<void> {
    this.chaosStatus.textContent = `${action} ${container}…`;
    try {
      const a = await this.api.post<{ container: string; detail: string }>('/api/chaos', { container, action });
      this.chaosStatus.textContent = `${a.container}: ${a.detail}, marked on the timeline`;
    } catch (e) {
      this.chaosStatus.textContent = `${container}: ${(e as Error).message}`;
    }
  }
}
