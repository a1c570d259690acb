// A snapshot of one stack run for slides, as one SVG document (tested on Node, and parsed in Chromium): its
// pods as boxes, each member a line with its service, role, state, health and namespace inodes, then its
// timeline, a lane per container with each event's glyph on one time axis, the lab's actions among them.
// Text only through esc(): nothing the engine says can break out of the document.
import type { LabEvent } from '../hub.js';
import type { Stack } from '../stacks.js';
import { layout, markOf, sharing } from './lines.js';

const W = 1000;
const LINE = 18;
const TONES: Record<string, string> = { good: '#0a5c2b', bad: '#8f1111', warn: '#6b4800', info: '#1d3f7a', action: '#5b2a86' };

export const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
// XML 1.0 allows no control characters but tab, newline and return.
const clean = (s: string) => esc(s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '?'));

function text(x: number, y: number, s: string, attrs = ''): string {
  return `<text x="${x}" y="${y}"${attrs ? ` ${attrs}` : ''}>${clean(s)}</text>`;
}

export function snapshotSvg(s: Stack, events: LabEvent[], when = new Date()): string {
  const out: string[] = [];
  let y = 28;
  out.push(text(10, y, `${s.stack}: ${s.project}, ${when.toISOString()}`, 'font-size="18" font-weight="700"'));
  y += 14;
  for (const pod of s.pods) {
    const top = y;
    y += LINE + 4;
    out.push(text(20, y, pod.owner ? `pod: ${pod.name}` : `${pod.name} (a container alone)`, 'font-weight="700"'));
    for (const c of pod.containers) {
      y += LINE;
      const ns = (['net', 'pid'] as const).map((k) => `${k}:[${c.namespaces[k].inode ?? '?'}] ${sharing(pod, c, k)}`).join('  ');
      out.push(
        `<g class="member" data-service="${clean(c.service)}">${text(30, y, `${c.name}  ${c.role ?? 'role unknown'}  ${c.state}${c.health ? `, ${c.health}` : ''}  ${ns}`)}</g>`,
      );
    }
    y += 10;
    out.push(`<rect x="10" y="${top}" width="${W - 20}" height="${y - top}" fill="none" stroke="#333" rx="6"/>`);
    y += 10;
  }
  const shown = events.filter((e) => e.project === s.project);
  y += LINE;
  out.push(text(10, y, `Timeline: ${shown.length} events`, 'font-size="16" font-weight="700"'));
  const { t0, t1, rows } = layout(shown);
  y += 6;
  const [x0, x1] = [260, W - 20];
  for (const r of rows) {
    y += LINE + 4;
    out.push(text(10, y, r.service));
    out.push(`<line x1="${x0}" y1="${y - 4}" x2="${x1}" y2="${y - 4}" stroke="#ccc"/>`);
    for (const { e, at } of r.marks) {
      const m = markOf(e);
      out.push(
        `<text x="${(x0 + at * (x1 - x0)).toFixed(1)}" y="${y}" fill="${TONES[m.tone] ?? '#111'}" text-anchor="middle" font-weight="700"><title>${clean(m.word)}</title>${clean(m.glyph)}</text>`,
      );
    }
  }
  y += LINE + 4;
  if (rows.length) out.push(text(x0, y, `${((t1 - t0) / 1000).toFixed(1)} s`, 'fill="#444"'));
  y += 10;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${y}" viewBox="0 0 ${W} ${y}" font-family="sans-serif" font-size="13">`,
    `<rect width="${W}" height="${y}" fill="#fff"/>`,
    ...out,
    '</svg>',
    '',
  ].join('\n');
}
