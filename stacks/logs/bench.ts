// npm run bench:logs [-- --mib N --rounds R]: throughput of shipping a log file over RELP to rsyslog, on
// one core, with zero loss checked: the log-shipper sidecar (sending the text, and with --parse-json)
// against rsyslog's own file reader (imfile → omrelp), the same files to the same receiver, side by side
// in one run. Brings up its own project (stacks/logs/bench-compose.yaml), measures, removes it, and
// writes the bench:logs section of docs/benchmarks.md.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { $ } from 'zx';
import { ContainerCgroup } from '../../scripts/bench/cgroup.js';
import { BenchClock } from '../../scripts/bench/conditions.js';
import { renderSection, writeSection, type Section } from '../../scripts/bench/section.js';
import { Project } from '../../scripts/lib/compose.js';
import { ROOT, VERSION } from '../../scripts/lib/config.js';
import * as docker from '../../scripts/lib/docker.js';
import { buildFor, imageEnv } from '../../scripts/lib/images.js';
import { step } from '../../scripts/lib/progress.js';
import { OutputWatch } from './bench/output.js';
import { report, type Result } from './bench/report.js';

const { values } = parseArgs({
  options: {
    mib: { type: 'string', default: '256' },
    rounds: { type: 'string', default: '1' },
    'no-build': { type: 'boolean', default: false },
  },
});
const MIB = Number(values.mib),
  ROUNDS = Number(values.rounds);
if (!(Number.isInteger(MIB) && MIB >= 16 && MIB <= 4096))
  throw new Error(`--mib ${values.mib}: give an integer 16-4096 (MiB of 100-byte lines; 1 KiB lines get 4 times that)`);
if (!(Number.isInteger(ROUNDS) && ROUNDS >= 1 && ROUNDS <= 10)) throw new Error(`--rounds ${values.rounds}: give an integer 1-10`);
const SECTION: Section = {
  id: 'logs',
  title: 'log shipping throughput, log-shipper against rsyslog imfile',
  source: 'stacks/logs/bench.ts',
  intro: 'Run it with `npm run bench:logs` (a few minutes; it brings up and removes its own receiver and senders).',
};

/** 1 KiB lines get 4 times the bytes: each run then lasts long enough that the receiver's once-a-second
 * flush is a small share of it. */
const SIZES = [
  { bytes: 100, volume: 'bench-100', mib: MIB },
  { bytes: 1024, volume: 'bench-1k', mib: 4 * MIB },
];
type SenderId = 'shipper' | 'shipper-json' | 'imfile';
const SENDERS: { id: SenderId; service: string; label: string; env: Record<string, string> }[] = [
  { id: 'shipper', service: 'shipper', label: 'log-shipper (text)', env: { PARSE_JSON: 'false' } },
  { id: 'shipper-json', service: 'shipper', label: 'log-shipper (--parse-json)', env: { PARSE_JSON: 'true' } },
  { id: 'imfile', service: 'imfile', label: 'rsyslog imfile → omrelp', env: {} },
];

const dir = join(ROOT, 'stacks', 'logs');
const name = `sl-bench-logs-${randomBytes(3).toString('hex')}`;
const env = { ...(await imageEnv()), RECEIVER_CPU: '0', SENDER_CPU: '1' };
const projectWith = (extra: Record<string, string>, profiles: string[] = []) =>
  new Project({ project: name, cwd: dir, files: ['bench-compose.yaml'], env: { ...env, ...extra }, profiles });

/** One sender over one input: from its first line at the receiver to its last, with its CPU and memory. */
async function runOne(sender: (typeof SENDERS)[number], size: (typeof SIZES)[number], lines: number, watch: OutputWatch): Promise<Result> {
  // A fresh registry name: the shipper reads the file from 0 (imfile's state is a fresh tmpfs anyway).
  const p = projectWith({ DATA: size.volume, REGISTRY: `.registry-${randomBytes(3).toString('hex')}.json`, ...sender.env }, [
    sender.service,
  ]);
  await watch.reset();
  // The senders have no health check here (bench-compose.yaml): the run starts with the first line at the receiver.
  await p.up(120, { wait: false });
  const id = await p.id(sender.service);
  const cg = ContainerCgroup.of((await docker.state(id)).pid);
  const cpu0 = cg.cpuSeconds();
  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, cg.rss().rss);
  }, 200);
  try {
    const t = await watch.untilHolds(lines, 600_000);
    if (t.seconds < 2)
      throw new Error(
        `${sender.label} shipped ${size.mib} MiB in ${t.seconds.toFixed(2)} s, too fast to time against the receiver's 1 s flush: use a larger --mib (the default is 256)`,
      );
    const cpu = cg.cpuSeconds() - cpu0;
    const v = await watch.verify(lines);
    return { sender: sender.id, bytes: size.bytes, lines, seconds: t.seconds, cpuSeconds: cpu, peakRss, ...v };
  } finally {
    clearInterval(sampler);
    await p.remove([sender.service]);
  }
}

const clock = new BenchClock();
const base = projectWith({});
let removing: Promise<void> | undefined;
/** Removes the project and both inputs, once: at the end, or on Ctrl-C. */
const remove = () =>
  (removing ??= step(`removing ${name}`, async () => {
    await projectWith({}, ['shipper', 'imfile', 'gen']).down();
    // down removes the volumes its services use as interpolated now (DATA's default): the other input goes by name.
    for (const size of SIZES) await $`docker volume rm -f ${`${name}_${size.volume}`}`.quiet().nothrow();
  }));
process.once('SIGINT', () => void remove().finally(() => process.exit(130)));
try {
  if (!values['no-build']) await buildFor(projectWith({}, ['shipper', 'imfile', 'gen']));
  await step(`up --wait ${name} (the receiver)`, () => base.up());
  const counts = new Map<number, number>();
  for (const size of SIZES) {
    const out = await step(`writing ${size.mib} MiB of ${size.bytes}-byte lines`, () =>
      projectWith({ DATA: size.volume }, ['gen']).run('gen', [String(size.bytes), String(size.mib * 2 ** 20)]),
    );
    counts.set(size.bytes, Number(out.trim().split('\n').pop()));
  }
  const watch = await OutputWatch.of(`${name}_receiver-out`, await base.id('receiver'));
  const results: Result[] = [];
  for (let round = 1; round <= ROUNDS; round++)
    for (const size of SIZES)
      for (const sender of SENDERS) {
        const r = await step(`round ${round}: ${sender.label}, ${size.bytes}-byte lines`, () =>
          runOne(sender, size, counts.get(size.bytes)!, watch),
        );
        console.log(
          `    ${((r.lines * r.bytes) / 2 ** 20 / r.seconds).toFixed(1)} MiB/s, ${(r.cpuSeconds / ((r.lines * r.bytes) / 2 ** 30)).toFixed(1)} CPU s/GiB, RSS ${(r.peakRss / 2 ** 20).toFixed(0)} MiB, lost ${r.lost}, duplicated ${r.duplicated}`,
        );
        results.push(r);
      }
  const rsyslogVersion = (
    await $`docker run --pull never --rm --entrypoint rsyslogd sidecar-lab/rsyslog:${VERSION} -v`.quiet().nothrow()
  ).stdout
    .split('\n')[0]!
    .trim();
  const conditions = await clock.finish({
    versions: {
      rsyslog: `${rsyslogVersion} (Debian's rsyslog, rsyslog-relp)`,
      'log-shipper': `${VERSION} on Bun`,
    },
    notes: [
      `Input: one file per line size, ${MIB} MiB of JSON lines of exactly 100 bytes and ${4 * MIB} MiB of 1024 bytes (newline included), each with its seq, written before the sender starts (stacks/logs/bench/gen.py), on a Docker volume.`,
      'Senders: one at a time, pinned to core 1 (cpuset), each a fresh container with fresh state (imfile: a tmpfs state directory; log-shipper: a new registry name). log-shipper with its defaults (batches of 2000 records or 1 MiB, two batches in flight, RELP window 1024, 4 MiB read and not acknowledged at most), --parse-json false (the text, as imfile sends it) and true; imfile in inotify mode, omrelp with a LinkedList queue (images/rsyslog/forwarder.conf).',
      'Receiver: one rsyslog (images/rsyslog/receiver-file.conf) pinned to core 0: imrelp, each message text to one file with an async 1 MiB buffer flushed every second. The same for every sender.',
      'Throughput: from the first line to the last line at the receiver (read from its output file on the host, as it grows), so the senders’ start-up is not counted; the receiver flushes at least once a second, which bounds the error of each end to 1 s.',
      'Loss: after each run, every seq of the input must be in the receiver’s file exactly once (lost and duplicated below). CPU: the sender container’s cgroup CPU time over the run; RSS: the peak of its processes’ resident memory, sampled every 200 ms, with the senders’ health checks off (each probe of log-shipper’s is a Bun process of its own in the container, up to 26 MB, which the samples would add to the sidecar’s).',
    ],
  });
  writeSection(SECTION, renderSection(report(results, ROUNDS, conditions)));
  console.log('wrote the bench:logs section of docs/benchmarks.md');
} finally {
  await remove();
}
