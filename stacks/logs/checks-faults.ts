// Checks 4, 5 and 8: the sidecar killed mid-batch, the receiver away, a bad parameter.
import { sleep } from 'zx';
import * as chaos from '../../scripts/lib/chaos.js';
import { eventually, expect, type Check } from '../../scripts/lib/check.js';
import { VERSION } from '../../scripts/lib/config.js';
import * as docker from '../../scripts/lib/docker.js';
import type { StackContext } from '../../scripts/lib/lifecycle.js';
import { appStatus, delivered, endpoints, expectComplete, metricsOf, note, sum, write, written } from './support.js';

type C = Check<StackContext>;

export const killedMidBatch: C = {
  weight: 'heavy',
  name: 'the sidecar killed with SIGKILL mid-batch, 5 times during a write burst: 0 lost after it restarts, and every duplicate dropped by id',
  effect: 'destroys',
  async run(ctx) {
    const id = await ctx.project.id('shipper-stdout');
    const e0 = await endpoints(ctx.project);
    const range = await write(e0.app.stdout, 30_000, 1000, 150); // 30 s of writing
    let acked = 0,
      more = 0;
    for (let i = 0; i < 5; i++) {
      // Every kill comes while the sidecar is behind: on a machine under load the five restarts outlast the
      // burst, and a sidecar that has caught up sends nothing more. So when the app has less than 1 s of writing
      // left and the sidecar lags by less than about 2000 lines, the app is ordered 2000 more (their seqs go on
      // from the burst's).
      const lag = sum(await metricsOf((await endpoints(ctx.project)).shipper.stdout), 'log_shipper_lag_bytes');
      if ((await appStatus(e0.app.stdout)).pending < 1000 && lag < 2000 * 150) {
        range.to = (await write(e0.app.stdout, 2000, 1000, 150)).to;
        more += 2000;
      }
      // Mid-batch: the restarted sidecar has had batches acknowledged and is still behind the app.
      await eventually(
        async () => {
          const m = await metricsOf((await endpoints(ctx.project)).shipper.stdout);
          const n = m.get('log_shipper_acked_records_total') ?? 0;
          expect.ok(n > 0, 'the sidecar is delivering', '> 0 acked', n);
          acked += n;
        },
        { within: 30_000, every: 50 },
      );
      await chaos.crashAndRecover(id);
    }
    await written((await endpoints(ctx.project)).app.stdout);
    const v = await delivered(ctx.project, 'stdout', range.from, range.to);
    note(
      `seq ${range.from}-${range.to} (${more} lines ordered after the first 30000): ${v.stored} stored, ${v.lost} lost, ${v.duplicated} duplicated; 5 crashes, each while the sidecar was behind and after it had acknowledged records (${acked} in all at the kills)`,
    );
    expectComplete(v, 'every line of the burst is stored once');
  },
};

export const receiverAway: C = {
  weight: 'heavy',
  name: 'the receiver down for 10 s while the app writes, and the sidecar killed meanwhile: 0 lost, its memory within its bound, and its lag rising, then back to 0',
  effect: 'destroys',
  async run(ctx) {
    const e = await endpoints(ctx.project);
    const rsyslog = await ctx.project.id('rsyslog');
    const shipper = await ctx.project.id('shipper-file');
    const range = await write(e.app.file, 6000, 400, 150); // 15 s of writing, 10 of them with rsyslog away
    let peakLag = 0,
      peakBuffered = 0,
      peakRss = 0,
      limit = 0;
    await chaos.withStopped(rsyslog, async () => {
      const end = Date.now() + 10_000; // the outage lasts 10 s, as the scenario says
      let crashed = false;
      while (Date.now() < end) {
        if (!crashed && Date.now() > end - 6000) {
          // Half way: the sidecar dies with what it read in memory. Only the registry says where to go on.
          crashed = true;
          await chaos.crashAndRecover(shipper);
          continue;
        }
        const m = await metricsOf(e.shipper.file);
        peakLag = Math.max(peakLag, sum(m, 'log_shipper_lag_bytes'));
        peakBuffered = Math.max(peakBuffered, m.get('log_shipper_buffered_bytes') ?? 0);
        peakRss = Math.max(peakRss, m.get('process_resident_memory_bytes') ?? 0);
        limit = m.get('log_shipper_buffer_limit_bytes') ?? 0;
        await sleep(200);
      }
    });
    await written(e.app.file);
    const v = await delivered(ctx.project, 'file', range.from, range.to);
    const lagAfter = await eventually(
      async () => {
        const lag = sum(await metricsOf(e.shipper.file), 'log_shipper_lag_bytes');
        expect.equal(lag, 0, 'log_shipper_lag_bytes, summed over the files, once rsyslog is back');
        return lag;
      },
      { within: 30_000, every: 250 },
    );
    note(
      `peak lag ${peakLag} bytes, peak buffered ${peakBuffered} of ${limit} bytes, peak RSS ${(peakRss / 2 ** 20).toFixed(1)} MiB; lag after: ${lagAfter}; seq ${range.from}-${range.to}: ${v.lost} lost, ${v.duplicated} duplicated`,
    );
    expectComplete(v, 'every line written while rsyslog was away is stored once');
    expect.ok(peakLag > limit, 'the lag rose beyond what the sidecar may buffer (so it stopped reading)', `> ${limit}`, peakLag);
    expect.ok(peakBuffered <= limit, 'buffered bytes stayed within --max-buffer-bytes', `<= ${limit}`, peakBuffered);
    expect.ok(peakRss < 128 * 2 ** 20, 'the sidecar’s memory stayed under its container limit (mem_limit 128m)', '< 128 MiB', peakRss);
  },
};

const IMAGE = `sidecar-lab/log-shipper:${VERSION}`;

export const badParameters: C = {
  name: 'a bad parameter stops the sidecar at start with one line that names it',
  async run() {
    const cases: [string[], RegExp][] = [
      [
        ['-e', 'LOG_SHIPPER_RELP_HOST=rsyslog', '-e', 'LOG_SHIPPER_MULTILINE_START=(unclosed'],
        /--multiline-start \(LOG_SHIPPER_MULTILINE_START\)/,
      ],
      [['-e', 'LOG_SHIPPER_RELP_HOST=rsyslog', '-e', 'LOG_SHIPPER_BATCH_MAX_WAIT=soon'], /--batch-max-wait \(LOG_SHIPPER_BATCH_MAX_WAIT\)/],
      [[], /--relp-host or LOG_SHIPPER_RELP_HOST must be specified/],
      [['-e', 'LOG_SHIPPER_RELP_HOST=rsyslog', '-e', 'LOG_SHIPPER_RELP_PROT=2514'], /LOG_SHIPPER_RELP_PROT/],
    ];
    for (const [env, names] of cases) {
      const r = await docker.runOnce(['--read-only', '--tmpfs', '/var/log/app:uid=10020', ...env, IMAGE]);
      const lines = r.stderr.trim().split('\n');
      expect.equal(r.code, 2, `exit code with ${env.filter((x) => x !== '-e').join(' ') || 'no --relp-host'}`);
      expect.equal(lines.length, 1, `stderr lines (${r.stderr.trim()})`);
      expect.match(lines[0]!, names, 'the error line names the parameter');
    }
  },
};
