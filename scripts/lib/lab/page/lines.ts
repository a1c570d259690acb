// What the page computes without the DOM (tested on Node): splitting the live stream into lines,
// naming what a namespace inode means inside its pod, placing events on one time axis, and a published
// port's path through its pod and where a pod's processes came from, as text; and which pod picture to keep.
import type { LabEvent } from '../hub.js';
import type { ProcessesAnswer } from '../pod-processes.js';
import type { LabContainer, Pod } from '../stacks.js';

/** Feeds chunks of text; returns the complete lines, keeping the unfinished tail for the next chunk. */
export function lineSplitter(): (chunk: string) => string[] {
  let rest = '';
  return (chunk) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    return parts.filter((l) => l.trim() !== '');
  };
}

/** How a member's namespace relates to its pod owner's: shared (same inode), its own, or unknown. */
export function sharing(pod: Pod, c: LabContainer, kind: 'net' | 'pid'): 'owner' | 'shared' | 'own' | 'unknown' {
  const owner = pod.containers[0];
  if (!pod.owner || !owner || owner === c) return pod.owner ? 'owner' : 'own';
  const mine = c.namespaces[kind].inode;
  const theirs = owner.namespaces[kind].inode;
  if (mine === null || theirs === null) return 'unknown';
  return mine === theirs ? 'shared' : 'own';
}

/** One line of text for an event, as the timeline's list shows it. */
export function describe(e: LabEvent, t0: number): string {
  const at = `+${((e.time - t0) / 1000).toFixed(3)} s`;
  return `${at}  ${e.project}/${e.service}  ${markOf(e).word}`;
}

export interface Row {
  key: string;
  project: string;
  service: string;
  /** Each event with its place on the axis, from 0 (the first event shown) to 1 (the last). */
  marks: { e: LabEvent; at: number }[];
}

/** Events as rows per container (project/service), on one axis spanning at least minSpanMs, or on `span` when given. */
export function layout(events: LabEvent[], minSpanMs = 10_000, span?: { t0: number; t1: number }): { t0: number; t1: number; rows: Row[] } {
  const sorted = [...events].sort((a, b) => a.time - b.time);
  const t0 = span?.t0 ?? sorted[0]?.time ?? 0;
  const t1 = span?.t1 ?? Math.max(sorted.at(-1)?.time ?? 0, t0 + minSpanMs);
  const rows = new Map<string, Row>();
  for (const e of sorted) {
    const key = `${e.project}/${e.service}`;
    const row = rows.get(key) ?? { key, project: e.project, service: e.service, marks: [] };
    row.marks.push({ e, at: (e.time - t0) / (t1 - t0) });
    rows.set(key, row);
  }
  return { t0, t1, rows: [...rows.values()].sort((a, b) => a.key.localeCompare(b.key)) };
}

/** The glyph and the word each event shows with (colour is never the only sign). */
export function markOf(e: LabEvent): { glyph: string; word: string; tone: string } {
  if (e.action === 'health_status') {
    const d = e.detail ?? '';
    return { glyph: d === 'healthy' ? '♥' : d === 'unhealthy' ? '!' : '?', word: `health ${d}`, tone: d === 'healthy' ? 'good' : 'bad' };
  }
  if (e.action === 'lab') return { glyph: '☛', word: `lab action: ${e.detail ?? ''}`, tone: 'action' };
  const table: Record<string, [string, string]> = {
    create: ['+', 'info'],
    start: ['▶', 'good'],
    restart: ['↻', 'warn'],
    kill: ['⚡', 'warn'],
    die: ['✖', 'bad'],
    oom: ['✖', 'bad'],
    stop: ['■', 'warn'],
    destroy: ['∅', 'info'],
    pause: ['⏸', 'warn'],
    unpause: ['▶', 'good'],
  };
  const [glyph, tone] = table[e.action] ?? ['•', 'info'];
  const word = e.action === 'die' && e.detail ? `die (exit ${e.detail})` : e.action === 'kill' && e.detail ? `kill ${e.detail}` : e.action;
  return { glyph, word, tone };
}

/** A published port's path as text: 127.0.0.1:49153 → :8443 tls-proxy → 127.0.0.1:8080 app, and why it stops short. */
export function portPath(p: LabContainer['ports'][number]): string {
  const steps = [p.host, `:${p.container.replace(/\/tcp$/, '')}${p.listener ? ` ${p.listener}` : ''}`];
  if (p.upstream) steps.push(`${p.upstream.address}${p.upstream.service ? ` ${p.upstream.service}` : ''}`);
  return `${steps.join(' → ')}${p.unknown ? ` → ? (${p.unknown})` : ''}`;
}

/** Where the processes shown came from: topz's own answer, or the lab's reading and why not topz's. */
export function processSource(a: Pick<ProcessesAnswer, 'source' | 'via' | 'fallback' | 'cmdline'>): string {
  if (a.source === 'topz') return `from topz (${a.via})${a.cmdline ? '' : ': topz shows no command lines (its --show-cmdline is off)'}`;
  return `read by the lab${a.fallback ? `, not from the topz attached: ${a.fallback}` : ''}`;
}

/** The picture to show after a read: the one shown when the read changed nothing (so the Pods view, and an
 *  element under a pointer or being photographed, is not drawn again), else the new one. */
export function keptPicture<T>(shown: T | undefined, read: T): T {
  return shown !== undefined && JSON.stringify(read) === JSON.stringify(shown) ? shown : read;
}
