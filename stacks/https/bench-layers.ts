// npm run bench:https-layers [-- --rounds 3 --seconds 5 --out FILE]   (Linux, 2 cores or more; no Docker)
// Where http mode's CPU goes, layer by layer (bench/layers.ts says how). Rounds are interleaved: each round runs
// every row once, in order. Writes the bench:https-layers section of docs/benchmarks.md and
// docs/bench-https-layers.json; with --out FILE, the readings to FILE and the report to stdout only.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { retry } from 'zx';
import { BenchClock, runtimeText } from '../../scripts/bench/conditions.js';
import { benchRun, hostBenchPreflight } from '../../scripts/bench/host.js';
import { publishSection } from '../../scripts/bench/section.js';
import { wrk, wrkVersion } from '../../scripts/bench/wrk.js';
import { bunVersion } from '../../scripts/lib/bun-binary.js';
import { ROOT } from '../../scripts/lib/config.js';
import { step } from '../../scripts/lib/progress.js';
import { httpsGet } from '../../scripts/lib/tls-client.js';
import { freePort } from '../../sidecars/lib/test-support/wait.js';
import { spec as tlsProxy } from '../../sidecars/tls-proxy/src/params.js';
import { LAYERS_SECTION, layersMarkdown, ROWS, type Reading, summarizeLayers } from './bench/layers.js';
import { makeCerts } from './bench/setup.js';

const { values: a } = parseArgs({
  options: { rounds: { type: 'string', default: '3' }, seconds: { type: 'string', default: '5' }, out: { type: 'string' } },
});
const rounds = Number(a.rounds);
const seconds = Number(a.seconds);
if (!Number.isInteger(rounds) || rounds < 1 || rounds > 20)
  throw new Error(`invalid --rounds: ${a.rounds} is not a whole number from 1 to 20`);
if (!(seconds >= 1 && seconds <= 60)) throw new Error(`invalid --seconds: ${a.seconds} is not from 1 to 60`);
hostBenchPreflight('bench:https-layers');

/** Seconds of the same load before each measured run. */
const WARMUP = 1;
const PROBE = join(ROOT, 'dist', 'sidecars', 'lib', 'dataplane', 'bench', 'probe.js');
const TLS_PROXY = join(ROOT, 'sidecars', 'tls-proxy', 'dist', 'main.mjs');
const ORIGIN =
  "const b='x'.repeat(1024);const s=Bun.serve({hostname:'127.0.0.1',port:0,fetch:()=>new Response(b)});console.log(JSON.stringify({port:s.port}))";

/** Every row runs with the runtime settings of tls-proxy's image, as the stacks run it. */
const RUNTIME = { ...tlsProxy.runtime?.env };
const clock = new BenchClock();
const { procs, state, cleanup } = benchRun('https-layers');

try {
  const certs = await makeCerts(state);
  const ca = readFileSync(certs.ca);
  const origin = procs.run(0, ['-e', ORIGIN]);
  const { port: upstream } = await origin.json<{ port: number }>('port');
  const readings: Reading[] = [];
  await step(`${ROWS.length} rows, ${rounds} rounds of wrk -c64 for ${seconds} s each`, async () => {
    for (let round = 1; round <= rounds; round++)
      for (const row of ROWS) {
        const listen = await freePort();
        const proc =
          'layer' in row
            ? procs.run(
                0,
                [PROBE, '--layer', row.layer, '--listen', String(listen), '--upstream', String(upstream), '--cert', certs.dir],
                RUNTIME,
              )
            : procs.run(0, [TLS_PROXY], {
                ...RUNTIME,
                TLS_PROXY_MODE: row.mode,
                TLS_PROXY_CERT_FILE: join(certs.dir, 'tls.crt'),
                TLS_PROXY_KEY_FILE: join(certs.dir, 'tls.key'),
                TLS_PROXY_UPSTREAM_PORT: String(upstream),
                TLS_PROXY_LISTEN_PORT: String(listen),
                TLS_PROXY_LISTEN_ADDRESS: '127.0.0.1',
                TLS_PROXY_ADMIN_PORT: String(await freePort()),
                TLS_PROXY_ADMIN_ADDRESS: '127.0.0.1',
              });
        try {
          const url = `https://127.0.0.1:${listen}/`;
          await retry(40, '250ms', async () => {
            const r = await httpsGet(url, { ca, timeoutMs: 2000 });
            if (r.status !== 200) throw new Error(`${row.id}: ${r.status}`);
          });
          // Not measured: the JIT compiles the hot path under this load first, so each row is read in its steady state.
          await wrk(['taskset', '-c', '1'], url, { conns: 64, seconds: WARMUP });
          const cpu0 = proc.cpuSeconds();
          const w = await wrk(['taskset', '-c', '1'], url, { conns: 64, seconds });
          const cpuSeconds = proc.cpuSeconds() - cpu0;
          const peak = proc.mib('VmHWM');
          if (w.errors > 0) throw new Error(`${row.id}: ${w.errors} errors under load`);
          readings.push({ id: row.id, round, requests: w.requests, perSecond: w.perSecond, cpuSeconds, peakMib: peak, errors: w.errors });
          clock.sample();
        } catch (e) {
          throw new Error(`${row.id}, round ${round}: ${(e as Error).message}\n${proc.output.join('').slice(-2000)}`);
        } finally {
          await procs.stop(proc);
        }
      }
  });
  const rows = summarizeLayers(readings);
  const conditions = await clock.finish({
    versions: { Bun: `${bunVersion()} (the images' binary)`, wrk: (await wrkVersion()) ?? 'unknown' },
    notes: [
      `Pinning: each row's process and the upstream (Bun.serve answering 1 KB to every request) on core 0, wrk -t1 -c64 --latency on core 1, ${seconds} s a run after ${WARMUP} s of the same load not measured, over TLS 1.3 with keep-alive on 127.0.0.1; ${rounds} rounds, each running every row once in the order of the table (medians, with the range of the rounds).`,
      "CPU per request: the process's user and system time from /proc/<pid>/stat over the load, divided by the requests wrk completed; peak RSS is its VmHWM, start-up and the warm-up included.",
      `Rows: the probe rows are sidecars/lib/dataplane/bench/layers.ts on the data plane's own front (listenNative, NativeConn), with no metrics or logs; the tls-proxy rows run its bundle (sidecars/tls-proxy/dist/main.mjs) with its defaults but for ports and certificate. Every row runs with the runtime settings of tls-proxy's image (${runtimeText(tlsProxy)}).`,
    ],
  });
  publishSection(
    LAYERS_SECTION,
    {
      lead: 'What each part of http mode costs a request on the host: each row adds one part to the row before, up to tls-proxy itself.',
      conditions,
      results: layersMarkdown(rows),
    },
    { results: rows, readings },
    a.out,
  );
} finally {
  await cleanup();
}
