// bench:logs-floor: log-shipper's memory against its floor, on the host (issue 28: RSS ≤ 64 MiB at full speed). The
// floor is what any log shipper on this runtime pays at least: a bare Bun idle, and one reading the same file
// into one buffer and writing it to a TCP socket at full speed (bench/host/floor.mjs). log-shipper runs its
// bundle against a RELP receiver that acknowledges at once (bench/host/sink.mjs), so that the sender is the limit.
import type { Section } from '../../../scripts/bench/section.js';
import { showSpread, type Spread, spread } from '../../../scripts/bench/stats.js';

export const FLOOR_SECTION: Section = {
  id: 'logs-floor',
  title: "log-shipper's memory against its floor",
  source: 'stacks/logs/bench-floor.ts',
  intro:
    'Run it with `npm run bench:logs-floor` (Linux, two cores or more: it pins with taskset and reads /proc). No Docker: each row is a process on the host.',
};

export const FLOOR_ROWS = [
  { id: 'bun-idle', label: 'a bare Bun, idle', busy: false },
  { id: 'shipper-idle', label: 'log-shipper, idle (no files)', busy: false },
  {
    id: 'floor',
    label: 'a bare Bun reading the file into one 256 KiB buffer and writing it to a TCP socket, at full speed',
    busy: true,
  },
  { id: 'shipper', label: 'log-shipper at full speed, 100 B lines (text)', busy: true },
] as const;
export type FloorRowId = (typeof FLOOR_ROWS)[number]['id'];

/** One row's run of one round: RSS and anonymous memory in MiB (at rest, or the peak at full speed). */
export interface FloorReading {
  id: FloorRowId;
  round: number;
  rssMib: number;
  anonMib: number;
  /** MiB/s of the file sent (full-speed rows). */
  mibPerSecond?: number;
}

export interface FloorRow {
  id: FloorRowId;
  label: string;
  rss: Spread;
  anon: Spread;
  mibPerSecond?: Spread;
}

/** The rows with their spreads over the rounds, in the order of FLOOR_ROWS; a row with no reading is left out. */
export function summarizeFloor(readings: readonly FloorReading[]): FloorRow[] {
  return FLOOR_ROWS.flatMap((row) => {
    const mine = readings.filter((r) => r.id === row.id);
    if (!mine.length) return [];
    const speeds = mine.flatMap((r) => (r.mibPerSecond === undefined ? [] : [r.mibPerSecond]));
    return [
      {
        id: row.id,
        label: row.label,
        rss: spread(mine.map((r) => r.rssMib)),
        anon: spread(mine.map((r) => r.anonMib)),
        ...(speeds.length ? { mibPerSecond: spread(speeds) } : {}),
      },
    ];
  });
}

const mib = (v: number) => v.toFixed(1);

/** The table, then what log-shipper adds to the floor at full speed and the room the goal leaves. */
export function floorMarkdown(rows: readonly FloorRow[], goalMib = 64): string[] {
  const by = (id: FloorRowId) => rows.find((r) => r.id === id);
  const lines = [
    '| process | RSS, MiB (at rest; peak at full speed) | anonymous, MiB | MiB/s |',
    '| --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.label} | ${showSpread(r.rss, mib)} | ${showSpread(r.anon, mib)} | ${r.mibPerSecond ? showSpread(r.mibPerSecond, mib) : ''} |`,
    ),
  ];
  const [floor, shipper] = [by('floor'), by('shipper')];
  if (floor && shipper)
    lines.push(
      '',
      `At full speed log-shipper holds ${mib(shipper.rss.median - floor.rss.median)} MiB more than the floor (${mib(shipper.anon.median - floor.anon.median)} MiB of it anonymous), medians. The goal of ${goalMib} MiB is ${mib(goalMib - floor.rss.median)} MiB over the floor; log-shipper is ${mib(Math.abs(shipper.rss.median - goalMib))} MiB ${shipper.rss.median > goalMib ? 'over' : 'under'} the goal.`,
    );
  return lines;
}
