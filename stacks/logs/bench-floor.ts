// npm run bench:logs-floor [-- --mib 64 --rounds 3 --out FILE]   (Linux, 2 cores or more; no Docker)
// log-shipper's memory against its floor on the host (bench/floor.ts says what each row is). The sender (the
// floor or log-shipper) runs on core 1 and the receiver on core 0; rounds are interleaved. Writes the
// bench:logs-floor section of docs/benchmarks.md and docs/bench-logs-floor.json; with --out FILE, the readings to
// FILE and the report to stdout only.
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BenchClock } from '../../scripts/bench/conditions.js';
import { benchRun, type HostProcess, hostBenchPreflight } from '../../scripts/bench/host.js';
import { publishSection } from '../../scripts/bench/section.js';
import { bunVersion } from '../../scripts/lib/bun-binary.js';
import { ROOT } from '../../scripts/lib/config.js';
import { step } from '../../scripts/lib/progress.js';
import { freePort, quietFor, until } from '../../sidecars/lib/test-support/wait.js';
import { FLOOR_ROWS, FLOOR_SECTION, type FloorReading, floorMarkdown, summarizeFloor } from './bench/floor.js';

const { values: a } = parseArgs({
  options: { mib: { type: 'string', default: '64' }, rounds: { type: 'string', default: '3' }, out: { type: 'string' } },
});
const MIB = Number(a.mib);
const ROUNDS = Number(a.rounds);
if (!(Number.isInteger(MIB) && MIB >= 8 && MIB <= 1024)) throw new Error(`invalid --mib: ${a.mib} is not a whole number from 8 to 1024`);
if (!(Number.isInteger(ROUNDS) && ROUNDS >= 1 && ROUNDS <= 10))
  throw new Error(`invalid --rounds: ${a.rounds} is not a whole number from 1 to 10`);
hostBenchPreflight('bench:logs-floor');

/** The idle rows are read after this long at rest: the measurement's condition, not a wait for an event. */
const REST_MS = 3000;
/** How long the floor reads the file over and over, at full speed. */
const FLOOR_SECONDS = 5;
const LINE = 100;
const HOST = join(ROOT, 'stacks', 'logs', 'bench', 'host');
const SHIPPER = join(ROOT, 'sidecars', 'log-shipper', 'dist', 'main.mjs');

/** JSON lines of exactly LINE bytes (newline included) with their seq, as stacks/logs/bench/gen.py writes them. */
function writeLines(file: string, bytes: number): number {
  const fd = openSync(file, 'w');
  let n = 0;
  try {
    for (let written = 0; written < bytes; ) {
      const chunk: string[] = [];
      for (let i = 0; i < 10_000 && written < bytes; i++, written += LINE) {
        const head = `{"source":"bench","seq":${++n},"msg":"`;
        chunk.push(`${head}${'x'.repeat(LINE - head.length - 3)}"}\n`);
      }
      writeSync(fd, chunk.join(''));
    }
  } finally {
    closeSync(fd);
  }
  return n;
}

/** The largest anonymous memory of p seen every 50 ms until done settles, in MiB. */
async function peakAnon(p: HostProcess, done: Promise<unknown>): Promise<number> {
  let peak = p.mib('RssAnon');
  const t = setInterval(() => {
    // A process that exits early fails its own promise: the sample is skipped.
    if (p.exitCode === null) peak = Math.max(peak, p.mib('RssAnon'));
  }, 50);
  try {
    await done;
  } finally {
    clearInterval(t);
  }
  return Math.max(peak, p.mib('RssAnon'));
}

const clock = new BenchClock();
const { procs, state, cleanup } = benchRun('logs-floor');

/** log-shipper on dir, sending to a receiver on port, with a registry of its own (so it reads from the start). */
async function shipper(dir: string, port: number): Promise<HostProcess> {
  const admin = await freePort();
  const p = procs.run(1, [SHIPPER], {
    LOG_SHIPPER_DIR: dir,
    LOG_SHIPPER_RELP_HOST: '127.0.0.1',
    LOG_SHIPPER_RELP_PORT: String(port),
    LOG_SHIPPER_PARSE_JSON: 'false',
    LOG_SHIPPER_POD: 'bench',
    LOG_SHIPPER_REGISTRY_FILE: `.registry-${randomBytes(3).toString('hex')}.json`,
    LOG_SHIPPER_ADMIN_PORT: String(admin),
    LOG_SHIPPER_ADMIN_ADDRESS: '127.0.0.1',
  });
  const ready = async () => (await fetch(`http://127.0.0.1:${admin}/readyz`).catch(() => undefined))?.status === 200;
  await until('log-shipper to be ready', ready, 10_000, 50);
  return p;
}

/** A receiver on core 0: RELP acknowledging `records` frames, or (undefined) a sink for the floor's bytes. */
async function receiver(records?: number): Promise<{ p: HostProcess; port: number }> {
  const port = await freePort();
  const p = procs.run(0, [join(HOST, 'sink.mjs'), String(port), ...(records === undefined ? [] : [String(records)])]);
  await p.json('listening');
  return { p, port };
}

async function measure(
  id: (typeof FLOOR_ROWS)[number]['id'],
  round: number,
  dirs: { data: string; empty: string; file: string },
  lines: number,
): Promise<FloorReading> {
  const rest = () => quietFor(REST_MS, 'the process at rest before its memory is read');
  if (id === 'bun-idle') {
    const p = procs.run(1, ['-e', 'setInterval(() => {}, 1 << 30); console.log(JSON.stringify({ up: true }))']);
    await p.json('up');
    await rest();
    return { id, round, rssMib: p.mib('VmRSS'), anonMib: p.mib('RssAnon') };
  }
  if (id === 'shipper-idle') {
    const r = await receiver(1);
    const p = await shipper(dirs.empty, r.port);
    await rest();
    return { id, round, rssMib: p.mib('VmRSS'), anonMib: p.mib('RssAnon') };
  }
  if (id === 'floor') {
    const r = await receiver();
    const p = procs.run(1, [join(HOST, 'floor.mjs'), dirs.file, String(r.port), String(FLOOR_SECONDS)]);
    const done = p.json<{ bytes: number; seconds: number }>('bytes');
    const anonMib = await peakAnon(p, done);
    const { bytes, seconds } = await done;
    return { id, round, rssMib: p.mib('VmHWM'), anonMib, mibPerSecond: bytes / 2 ** 20 / seconds };
  }
  const r = await receiver(lines);
  const done = r.p.json<{ records: number; seconds: number }>('records');
  const p = await shipper(dirs.data, r.port);
  const anonMib = await peakAnon(p, done);
  const { records, seconds } = await done;
  return { id, round, rssMib: p.mib('VmHWM'), anonMib, mibPerSecond: (records * LINE) / 2 ** 20 / seconds };
}

try {
  const dirs = { data: join(state, 'data'), empty: join(state, 'empty'), file: join(state, 'data', 'app.log') };
  for (const d of [dirs.data, dirs.empty]) mkdirSync(d, { recursive: true });
  const lines = writeLines(dirs.file, MIB * 2 ** 20);
  const readings: FloorReading[] = [];
  await step(`${FLOOR_ROWS.length} rows, ${ROUNDS} rounds, ${MIB} MiB of ${LINE}-byte lines`, async () => {
    for (let round = 1; round <= ROUNDS; round++)
      for (const row of FLOOR_ROWS) {
        try {
          readings.push(await measure(row.id, round, dirs, lines));
          clock.sample();
        } finally {
          await procs.stopAll();
        }
      }
  });
  const conditions = await clock.finish({
    versions: { Bun: `${bunVersion()} (the images' binary)` },
    notes: [
      `Input: one file of ${MIB} MiB of JSON lines of exactly ${LINE} bytes (newline included), ${lines.toLocaleString('en-US')} lines, written before the senders start, on the host's disk (in the page cache).`,
      `Senders on core 1, one at a time: log-shipper's bundle (sidecars/log-shipper/dist/main.mjs) with its defaults but --parse-json false (the text), a registry of its own each run so that it reads from the start; the floor (stacks/logs/bench/host/floor.mjs) reading the file over and over for ${FLOOR_SECONDS} s.`,
      'Receiver on core 0 (stacks/logs/bench/host/sink.mjs, Bun): for log-shipper a RELP server that acknowledges every frame at once; for the floor a socket that drops what it reads. It checks nothing (bench:logs has rsyslog for that), so the sender is the limit.',
      `Memory from /proc/<pid>/status: idle rows VmRSS and RssAnon after ${REST_MS / 1000} s at rest; full-speed rows VmHWM (the peak) and the largest RssAnon seen every 50 ms. MiB/s: log-shipper from the receiver's first frame to its last; the floor over its ${FLOOR_SECONDS} s. ${ROUNDS} rounds, each running every row once in the order of the table (medians, with the range of the rounds).`,
    ],
  });
  const rows = summarizeFloor(readings);
  publishSection(
    FLOOR_SECTION,
    {
      lead: "What log-shipper holds, idle and at full speed, beside what a bare Bun holds doing the least a log shipper can do: the same file's bytes read and written to a socket.",
      conditions,
      results: floorMarkdown(rows),
    },
    { results: rows, readings },
    a.out,
  );
} finally {
  await cleanup();
}
