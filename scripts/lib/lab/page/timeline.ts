// The Timeline view: lifecycle events per container on one time axis (a mark per event, its glyph and
// word beside the colour), then the same events as a list in time order, for reading and for screen readers.
import type { LabEvent } from '../hub.js';
import { h } from './dom.js';
import { describe, layout, markOf } from './lines.js';

/** `span`: the axis to draw on, whatever events are shown (a replay reveals a recorded run's events on its own axis). */
export function timelineView(events: LabEvent[], project: string, span?: { t0: number; t1: number }): HTMLElement {
  const shown = project ? events.filter((e) => e.project === project) : events;
  if (!shown.length && !span)
    return h('p', { class: 'notice' }, 'No events yet: they appear here as containers are created, start, turn healthy, die and restart.');
  const { t0, t1, rows } = layout(shown, undefined, span);
  const axis = h(
    'div',
    { class: 'axis', 'aria-hidden': 'true' },
    h('span', {}, new Date(t0).toLocaleTimeString()),
    h('span', {}, `${((t1 - t0) / 1000).toFixed(1)} s`),
    h('span', {}, new Date(t1).toLocaleTimeString()),
  );
  const lanes = rows.map((r) =>
    h(
      'div',
      { class: 'lane' },
      h('div', { class: 'lane-name' }, r.key),
      h(
        'div',
        { class: 'lane-track' },
        r.marks.map(({ e, at }) => {
          const m = markOf(e);
          return h('span', { class: `mark ${m.tone}`, 'data-at': at.toFixed(4), title: describe(e, t0), 'aria-hidden': 'true' }, m.glyph);
        }),
      ),
    ),
  );
  const list = h(
    'ol',
    { class: 'events' },
    shown
      .slice()
      .sort((a, b) => a.time - b.time)
      .slice(-300)
      .map((e) =>
        h(
          'li',
          { class: markOf(e).tone, 'data-testid': 'event', 'data-action': e.action, 'data-service': e.service },
          `${markOf(e).glyph} ${describe(e, t0)}`,
        ),
      ),
  );
  return h('div', {}, axis, h('div', { class: 'lanes' }, lanes), h('h3', {}, 'Events, oldest first'), list);
}

/** Places the marks: the CSP allows no inline style attribute, so positions are set through the CSSOM. */
export function placeMarks(root: HTMLElement): void {
  for (const el of root.querySelectorAll<HTMLElement>('.mark')) el.style.left = `calc(${Number(el.dataset.at) * 100}% - 0.5em)`;
}
