// The lab's page. It takes the token from ?token= once, removes it from the address bar and history,
// keeps it in memory only, and from then on sends it in a header. It never reloads itself: the live
// stream brings engine states and events, and the pod picture is read again after each event.
import type { LabEvent, Message } from '../hub.js';
import type { StacksAnswer } from '../stacks.js';
import { ActionsView } from './actions.js';
import { type Client, client, Refused } from './api.js';
import { h } from './dom.js';
import { keptPicture } from './lines.js';
import { LessonsView } from './lessons.js';
import { LogsView } from './logs.js';
import { podsView } from './pods.js';
import { ProcessesView } from './processes.js';
import { RunsView } from './runs.js';
import { placeMarks, timelineView } from './timeline.js';

const token = new URLSearchParams(location.search).get('token') ?? '';
history.replaceState(null, '', location.pathname);

const VIEWS = ['Pods', 'Timeline', 'Logs', 'Processes', 'Actions', 'Lessons'] as const;
type View = (typeof VIEWS)[number];

const st = {
  view: 'Pods' as View,
  stacks: undefined as StacksAnswer | undefined,
  events: [] as LabEvent[],
  engine: 'connecting',
  live: 'connecting',
  project: '',
  refused: '',
};

const app = document.getElementById('app')!;
const status = h('p', { class: 'status', role: 'status' });
const tabs = h('div', { role: 'tablist', 'aria-label': 'Views' });
const panel = h('div', { role: 'tabpanel', id: 'panel', tabindex: '0' });
const filter = h('select', { 'aria-label': 'Project shown in the timeline' }) as HTMLSelectElement;

function renderTabs() {
  tabs.replaceChildren(
    ...VIEWS.map((v) => {
      const b = h(
        'button',
        {
          role: 'tab',
          id: `tab-${v}`,
          'aria-selected': String(v === st.view),
          'aria-controls': 'panel',
          tabindex: v === st.view ? '0' : '-1',
        },
        v,
      );
      b.addEventListener('click', () => show(v));
      return b;
    }),
  );
}

function show(v: View, focus = false) {
  st.view = v;
  renderTabs();
  if (focus) document.getElementById(`tab-${v}`)?.focus();
  render();
  procs?.shown(v === 'Processes');
  runs?.shown(v === 'Timeline');
  actions?.shown(v === 'Actions');
  void lessons?.shown(v === 'Lessons');
}

tabs.addEventListener('keydown', (e) => {
  const i = VIEWS.indexOf(st.view);
  const next =
    e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? VIEWS.length - 1 : -2;
  if (next === -2) return;
  e.preventDefault();
  show(VIEWS[(next + VIEWS.length) % VIEWS.length]!, true);
});
filter.addEventListener('change', () => {
  st.project = filter.value;
  render();
});

let logs: LogsView | undefined;
let procs: ProcessesView | undefined;
let runs: RunsView | undefined;
let actions: ActionsView | undefined;
let lessons: LessonsView | undefined;
const timelineControls = h('div', { class: 'filters' }, h('label', {}, 'Project ', filter));
const timelineBox = h('div');
let drawn: { of: StacksAnswer | undefined; el?: HTMLElement } = { of: undefined };

/** Redraws what changed, keeping the focus where it was (an element with the same data-key). */
function render() {
  const tone = st.refused || st.engine === 'unreachable' || st.live !== 'up' ? 'bad' : 'good';
  status.className = `status ${tone}`;
  status.textContent =
    st.refused ||
    `engine: ${st.engine === 'unreachable' ? 'unreachable (the lab connects when it comes back)' : st.engine} · live updates: ${st.live}`;
  panel.setAttribute('aria-labelledby', `tab-${st.view}`);
  const key = (document.activeElement as HTMLElement | null)?.dataset?.key;
  // The other views take the pods when they are shown, not while the Pods view is drawn.
  if (st.view === 'Lessons' && lessons) {
    lessons.pods(st.stacks);
    if (panel.firstChild !== lessons.el) panel.replaceChildren(lessons.el);
  } else if (st.view === 'Actions' && actions) {
    actions.pods(st.stacks);
    if (panel.firstChild !== actions.el) panel.replaceChildren(actions.el);
  } else if (st.view === 'Processes' && procs) {
    procs.pods(st.stacks);
    if (panel.firstChild !== procs.el) panel.replaceChildren(procs.el);
  } else if (st.view === 'Logs' && logs) {
    logs.containers(st.stacks);
    if (panel.firstChild !== logs.el) panel.replaceChildren(logs.el);
  } else if (st.view === 'Timeline') {
    const projects = [...new Set([...(st.stacks?.stacks ?? []).map((s) => s.project), ...st.events.map((e) => e.project)])].sort();
    if ([...filter.options].map((o) => o.value).join() !== ['', ...projects].join()) {
      filter.replaceChildren(h('option', { value: '' }, 'all projects'), ...projects.map((p) => h('option', { value: p }, p)));
      filter.value = st.project;
    }
    filter.disabled = Boolean(runs?.chosen);
    if (!runs?.chosen) timelineBox.replaceChildren(timelineView(st.events, st.project));
    else if (timelineBox.firstChild !== runs.el) timelineBox.replaceChildren(runs.el);
    if (panel.firstChild !== timelineControls) panel.replaceChildren(timelineControls, timelineBox);
    placeMarks(timelineBox);
  } else if (panel.firstChild !== drawn.el || drawn.of !== st.stacks) {
    // Drawn again only for a new picture: a message of the live stream alone changes the status line.
    const el = podsView(st.stacks);
    drawn = { of: st.stacks, el };
    panel.replaceChildren(el);
  }
  if (key) panel.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"]`)?.focus();
}

let refreshing: ReturnType<typeof setTimeout> | undefined;
async function refresh(api: Client) {
  try {
    st.stacks = keptPicture(st.stacks, await api.get<StacksAnswer>('/api/stacks'));
  } catch (e) {
    if (e instanceof Refused) st.refused = e.message;
  }
  render();
}

/** Events come in bursts (an `up`): the picture is read once, a quarter of a second after the last. */
function refreshSoon(api: Client) {
  clearTimeout(refreshing);
  refreshing = setTimeout(() => void refresh(api), 250);
}

/** Follows the live stream; when it ends or fails, follows it again after a pause that grows to 5 s. */
let retry = 500;
function follow(api: Client) {
  api
    .stream<Message | { type: 'hello' | 'ping' }>(
      '/api/events',
      (m) => {
        if (m.type === 'hello') {
          st.live = 'up';
          retry = 500;
          // What changed before the stream was open (since the picture carried or read, or while reconnecting).
          refreshSoon(api);
        } else if (m.type === 'engine') {
          st.engine = m.state;
          refreshSoon(api);
        } else if (m.type === 'event') {
          st.events.push(m.event);
          logs?.event(m.event);
          if (st.events.length > 5000) st.events.shift();
          refreshSoon(api);
        } else if (m.type === 'stacks') refreshSoon(api);
        else return;
        render();
      },
      new AbortController().signal,
    )
    .then(
      () => {
        st.live = 'ended, reconnecting';
      },
      (e) => {
        if (e instanceof Refused) st.refused = e.message;
        else st.live = 'lab server unreachable, reconnecting';
      },
    )
    .finally(() => {
      render();
      if (st.refused) return;
      setTimeout(() => follow(api), retry);
      retry = Math.min(retry * 2, 5000);
    });
}

async function start() {
  app.replaceChildren(h('header', {}, h('h1', {}, 'sidecar-lab: the lab'), status), tabs, panel);
  renderTabs();
  render();
  if (!token) {
    st.refused = 'No token: open the address the lab printed at start (it ends with ?token=…).';
    render();
    return;
  }
  const api = client(token);
  logs = new LogsView(api);
  procs = new ProcessesView(api);
  runs = new RunsView(api, render);
  actions = new ActionsView(api, () => st.events);
  lessons = new LessonsView(api);
  timelineControls.append(runs.controls);
  // The pod picture at once, beside the timeline's history: it is what a page that just opened shows. The page
  // carries it when the lab had it at hand; else it is asked for.
  const carried = document.getElementById('pods')?.textContent;
  if (carried) {
    st.stacks = JSON.parse(carried) as StacksAnswer;
    render();
  }
  const pods = carried ? Promise.resolve() : refresh(api);
  try {
    const t = await api.get<{ events: LabEvent[] }>('/api/timeline');
    st.events = t.events;
  } catch (e) {
    if (e instanceof Refused) st.refused = e.message;
  }
  await pods;
  follow(api);
}

void start();
