// The Lessons view: one page per lesson (a stack): its title and source, its picture of the lab, a "Run it"
// button that brings the stack up through the runner (POST /api/up, its output as it comes), and beside
// them the live pods of each run of it that is up, each with a button that takes it down (POST /api/down).
import type { Lesson } from '../lessons.js';
import type { StacksAnswer } from '../stacks.js';
import type { Client } from './api.js';
import { h } from './dom.js';
import { podsView } from './pods.js';

type VerbMessage =
  | { type: 'hello' }
  | { type: 'line'; text: string }
  | { type: 'result'; value: { project?: string } }
  | { type: 'end'; code: number | null };

export class LessonsView {
  readonly el = h('div', { class: 'lessons' });
  private readonly list = h('nav', { 'aria-label': 'Lessons', class: 'lesson-list' });
  private readonly page = h('article', { 'data-testid': 'lesson' });
  private readonly live = h('div', { class: 'lesson-live', 'data-testid': 'lesson-live' });
  private readonly status = h('p', { role: 'status', 'data-testid': 'lesson-status', class: 'meta' });
  private readonly output = h('pre', { 'data-testid': 'lesson-output', class: 'output' });
  private chosen = '';
  private all: Lesson[] = [];
  private answer?: StacksAnswer;
  private busy = false;

  constructor(private readonly api: Client) {
    this.el.append(this.list, this.page);
  }

  /** Reads the lessons the first time the view is shown. */
  async shown(on: boolean): Promise<void> {
    if (!on || this.all.length) return;
    try {
      this.all = (await this.api.get<{ lessons: Lesson[] }>('/api/lessons')).lessons;
    } catch (e) {
      this.list.replaceChildren(h('p', { class: 'bad' }, `The lessons could not be read: ${(e as Error).message}`));
      return;
    }
    this.list.replaceChildren(
      h(
        'ul',
        {},
        this.all.map((l) => {
          const b = h('button', { type: 'button', 'data-testid': `lesson-${l.stack}` }, `${l.stack}: ${l.title}`);
          b.addEventListener('click', () => void this.choose(l.stack));
          return h('li', {}, b);
        }),
      ),
    );
    if (this.all[0] && !this.chosen) await this.choose(this.all[0].stack);
  }

  /** A new pod picture: the live runs of the lesson shown. */
  pods(answer: StacksAnswer | undefined): void {
    this.answer = answer;
    this.drawLive();
  }

  private async choose(stack: string): Promise<void> {
    this.chosen = stack;
    const l = await this.api.get<Lesson & { picture: string | null }>(`/api/lessons/${encodeURIComponent(stack)}`);
    const run = h('button', { type: 'button', 'data-testid': 'lesson-run' }, `Run it: npm run stack:${stack} -- up`);
    run.addEventListener('click', () => void this.verb('/api/up', { stack }, `bringing ${stack} up`));
    this.status.textContent = '';
    this.output.textContent = '';
    this.page.replaceChildren(
      h('h2', {}, l.title),
      h('p', { class: 'meta' }, l.source),
      h(
        'div',
        { class: 'lesson-body' },
        h(
          'figure',
          {},
          l.picture
            ? h('img', { src: l.picture, alt: `The lab showing the ${stack} stack`, 'data-testid': 'lesson-picture' })
            : h('p', { class: 'notice' }, `No picture yet: npm run lab:screenshots -- ${stack} draws it.`),
          h('figcaption', { class: 'meta' }, 'The lab’s picture of this lesson, from the docs.'),
        ),
        h('div', {}, run, this.status, h('details', {}, h('summary', {}, 'What the runner printed'), this.output), this.live),
      ),
    );
    this.drawLive();
  }

  private drawLive(): void {
    if (!this.chosen) return;
    const runs = (this.answer?.stacks ?? []).filter((s) => s.stack === this.chosen && /^sl-[a-z0-9]+-[0-9a-f]{6}$/.test(s.project));
    if (!runs.length) {
      this.live.replaceChildren(
        h('p', { class: 'notice' }, `No run of ${this.chosen} is up: Run it brings one up, and its pods show here.`),
      );
      return;
    }
    this.live.replaceChildren(
      ...runs.map((s) => {
        const down = h('button', { type: 'button', 'data-testid': `lesson-down-${s.project}` }, `Take ${s.project} down`);
        down.addEventListener('click', () => void this.verb('/api/down', { project: s.project }, `taking ${s.project} down`));
        return h('div', {}, down, podsView({ engine: 'up', stacks: [s] }));
      }),
    );
  }

  private async verb(path: string, body: unknown, doing: string): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.status.textContent = `${doing}…`;
    this.status.dataset.state = 'running';
    this.output.textContent = '';
    let project: string | undefined;
    let code: number | null | undefined;
    try {
      await this.api.stream<VerbMessage>(
        path,
        (m) => {
          if (m.type === 'line') this.output.textContent += `${m.text}\n`;
          else if (m.type === 'result') project = m.value.project;
          else if (m.type === 'end') code = m.code;
        },
        new AbortController().signal,
        body,
      );
      const last = this.output.textContent.trim().split('\n').at(-1) ?? '';
      this.status.textContent = code === 0 ? (project ? `up as ${project}` : `done: ${last}`) : `failed (exit ${code}): ${last}`;
    } catch (e) {
      this.status.textContent = `failed: ${(e as Error).message}`;
    } finally {
      this.status.dataset.state = 'done';
      this.busy = false;
    }
  }
}
