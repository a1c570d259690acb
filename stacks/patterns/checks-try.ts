// Check 6: what `up` prints under "try:" works as printed, from a shell, as a learner pastes it: the certificate
// file it names exists, a note is written through the sidecar, and the status page and the adapter's metrics
// answer.
import { $ } from 'zx';
import { expect, type Check } from '../../scripts/lib/check.js';
import type { StackContext } from '../../scripts/lib/lifecycle.js';
import { tryLines } from './support.js';

export const tryLinesWork: Check<StackContext> = {
  name: 'the try: lines that up prints work as printed, from a shell: a note written over verified HTTPS, the status page and the metrics read',
  async run(ctx) {
    const { hints } = await tryLines(ctx);
    const outs: string[] = [];
    for (const line of hints) {
      const r = await $({ nothrow: true, quiet: true, timeout: '15s' })`bash -c ${line}`;
      expect.ok(r.exitCode === 0, `exit code of: ${line}`, 0, { exitCode: r.exitCode, stderr: r.stderr.trim().split('\n').at(-1) });
      outs.push(r.stdout);
    }
    const [put, status, metrics] = outs;
    expect.equal(put, 'stored first\n', 'what the PUT of a note answers');
    expect.match(status ?? '', /^Notes written: [1-9]\d*$/m, 'the app’s status page, through the sidecar');
    expect.match(metrics ?? '', /^legacy_notes_notes_written_total [1-9]\d*$/m, 'the adapter’s metrics');
  },
};
