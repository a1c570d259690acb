// The lab's page. It takes the token from ?token= once, removes it from the address bar and history,
// keeps it in memory only, and from then on sends it in a header. It never reloads itself: the live
// stream brings engine states and events, and the pod picture is read again after each event.
import type { LabEvent } from '../hub.js';
import type { StacksAnswer } from '../stacks.js';
import { type Client, client, Refused } from './api.js';
import { h } from './dom.js';
import { podsView } from './pods.js';
import { placeMarks, timelineView } from './timeline.js';

const token = new URLSearchParams(location.search).get('token') ?? '';
history.replaceState(null, '', location.pathname);

const VIEWS = ['Pods', 'Timeline'] as const;
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

function render() {
  const tone = st.refused || st.engine === 'unreachable' || st.live !== 'up' ? 'bad' : 'good';
  status.className = `status ${tone}`;
  status.textContent =
    st.refused ||
    `engine: ${st.engine === 'unreachable' ? 'unreachable (the lab connects when it comes back)' : st.engine} · live updates: ${st.live}`;
  const projects = [...new Set([...(st.stacks?.stacks ?? []).map((s) => s.project), ...st.events.map((e) => e.project)])].sort();
  filter.replaceChildren(h('option', { value: '' }, 'all projects'), ...projects.map((p) => h('option', { value: p }, p)));
  filter.value = st.project;
  const body =
    st.view === 'Pods' ? podsView(st.stacks) : h('div', {}, h('label', {}, 'Project ', filter), timelineView(st.events, st.project));
  panel.setAttribute('aria-labelledby', `tab-${st.view}`);
  panel.replaceChildren(body);
  if (st.view === 'Timeline') placeMarks(panel);
}

let refreshing: ReturnType<typeof setTimeout> | undefined;
function refreshSoon(api: Client) {
  clearTimeout(refreshing);
  refreshing = setTimeout(async () => {
    try {
      st.stacks = await api.get<StacksAnswer>('/api/stacks');
    } catch (e) {
      if (e instanceof Refused) st.refused = e.message;
    }
    render();
  }, 250);
}

/** Follows the live stream; when it ends or fails, follows it again after a pause that grows to 5 s. */
let retry = 500;
function follow(api: Client) {
  api
    .live((m) => {
      if (m.type === 'hello') {
        st.live = 'up';
        retry = 500;
      } else if (m.type === 'engine') {
        st.engine = m.state;
        refreshSoon(api);
      } else if (m.type === 'event') {
        st.events.push(m.event);
        if (st.events.length > 5000) st.events.shift();
        refreshSoon(api);
      } else return;
      render();
    }, new AbortController().signal)
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
  try {
    const t = await api.get<{ events: LabEvent[] }>('/api/timeline');
    st.events = t.events;
  } catch (e) {
    if (e instanceof Refused) st.refused = e.message;
  }
  refreshSoon(api);
  follow(api);
}

void start();
