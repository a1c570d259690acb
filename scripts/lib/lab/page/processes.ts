// The Processes view: the processes of one pod, from the topz attached to it or read by the lab on the host
// (its PID namespace, command lines redacted by topz's rules), saying which. Read again every two seconds
// while the view is shown.
import type { ProcessesAnswer as Answer } from '../pod-processes.js';
import type { StacksAnswer } from '../stacks.js';
import type { Client } from './api.js';
import { h } from './dom.js';
import { processSource } from './lines.js';

export class ProcessesView {
  readonly el: HTMLElement;
  private readonly pick = h('select', { 'aria-label': 'Pod whose processes are shown' }) as HTMLSelectElement;
  private readonly table = h('div');
  private timer?: ReturnType<typeof setInterval>;

  constructor(private readonly api: Client) {
    this.pick.addEventListener('change', () => void this.read());
    this.el = h('div', {}, h('div', { class: 'filters' }, h('label', {}, 'Pod ', this.pick)), this.table);
  }

  /** The pods to choose from: one entry per pod, named by its owner (or its lone container). */
  pods(answer: StacksAnswer | undefined): void {
    const pods = (answer?.stacks ?? []).flatMap((s) =>
      s.pods.map((p) => ({ label: `${s.stack}: ${p.name}`, value: p.containers[0]!.name })),
    );
    if ([...this.pick.options].map((o) => o.value).join() === pods.map((p) => p.value).join()) return;
    const was = this.pick.value;
    this.pick.replaceChildren(...pods.map((p) => h('option', { value: p.value }, p.label)));
    if (pods.some((p) => p.value === was)) this.pick.value = was;
  }

  shown(on: boolean): void {
    clearInterval(this.timer);
    if (!on) return;
    void this.read();
    this.timer = setInterval(() => void this.read(), 2000);
  }

  private async read(): Promise<void> {
    if (!this.pick.value) {
      this.table.replaceChildren(h('p', { class: 'notice' }, 'No pod is up.'));
      return;
    }
    // An answer for a pod no longer chosen (the learner picked another while it was read) is dropped: the read
    // of the pod chosen now draws that one.
    const container = this.pick.value;
    try {
      const a = await this.api.get<Answer>(`/api/processes?container=${encodeURIComponent(container)}`);
      if (this.pick.value === container) this.draw(a);
    } catch (e) {
      if (this.pick.value === container)
        this.table.replaceChildren(h('p', { class: 'bad notice' }, `The processes could not be read: ${(e as Error).message}`));
    }
  }

  private draw(a: Answer): void {
    if (!a.pid) {
      this.table.replaceChildren(h('p', { class: 'notice' }, `${a.container} is not running: it has no processes.`));
      return;
    }
    const head = ['pid in pod', 'host pid', 'parent', 'uid', 'state', 'name', 'command line (redacted as topz redacts it)'];
    this.table.replaceChildren(
      h('p', { class: `notice${a.fallback ? ' warn' : ''}`, 'data-testid': 'process-source' }, processSource(a)),
      h(
        'table',
        { class: 'procs' },
        h(
          'caption',
          {},
          `${a.processes.length} process(es) in the PID namespace of ${a.container}${a.truncated ? ' (more not shown)' : ''}`,
        ),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            head.map((t) => h('th', { scope: 'col' }, t)),
          ),
        ),
        h(
          'tbody',
          {},
          a.processes.map((p) =>
            h(
              'tr',
              {},
              [p.podPid ?? '?', p.pid ?? '?', p.ppid, p.uid, p.state, p.name].map((v) => h('td', {}, String(v))),
              h('td', {}, h('code', {}, p.args.join(' '))),
            ),
          ),
        ),
      ),
    );
  }
}
