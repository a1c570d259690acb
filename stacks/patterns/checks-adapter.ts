// Check 5: the adapter. The app reports on itself in its own format; the adapter makes that the
// standard one (Prometheus text), without the app changing.
import { eventually, expect, type Check } from '../../scripts/lib/check.js';
import type { StackContext } from '../../scripts/lib/lifecycle.js';
import { adapterMetrics, appStatus, call, SAMPLE } from './support.js';

type C = Check<StackContext>;

const REQUESTS = 'legacy_notes_requests_total';
const WRITTEN = 'legacy_notes_notes_written_total';

export const adapterTranslates: C = {
  name: `the adapter translates the app’s own status page into Prometheus metrics: after 5 more requests ${REQUESTS} has grown by 5, and it and ${WRITTEN} equal the app’s own figures; the app’s status page itself is not valid Prometheus text, the adapter’s output is`,
  async run(ctx) {
    const before = await adapterMetrics(ctx);
    expect.equal(before.samples.get('legacy_notes_up'), 1, 'legacy_notes_up (the app’s status page answered the adapter)');
    expect.match(before.text, new RegExp(`^# TYPE ${REQUESTS} counter$`, 'm'), 'the counter’s TYPE line');
    expect.match(before.text, new RegExp(`^# HELP ${REQUESTS} \\S`, 'm'), 'the counter’s HELP line');
    const r0 = before.samples.get(REQUESTS);
    expect.ok(typeof r0 === 'number', `${REQUESTS} is reported`, 'a number', r0);

    for (let i = 0; i < 5; i++) expect.equal((await call(ctx, 'GET', `/?n=${i}`)).status, 200, `request ${i + 1} of 5`);
    const after = await eventually(
      async () => {
        const m = await adapterMetrics(ctx);
        expect.equal(m.samples.get(REQUESTS), r0! + 5, `${REQUESTS} after 5 more requests (was ${r0})`);
        return m;
      },
      { within: 3000 },
    );
    // /status and the adapter's scrapes are not counted as requests, so the figures hold still between the two reads.
    const status = await appStatus(ctx);
    expect.equal(
      { Requests: after.samples.get(REQUESTS), 'Notes written': after.samples.get(WRITTEN) },
      { Requests: status.figures.Requests, 'Notes written': status.figures['Notes written'] },
      'the adapter’s metrics against the app’s own status page',
    );
    // Prometheus text: every line a comment or a sample. The adapter's is; the app's own page is not.
    const invalid = (text: string) => text.split('\n').filter((l) => l && !l.startsWith('#') && !SAMPLE.test(l));
    expect.equal(invalid(after.text), [], 'lines of the adapter’s /metrics that are not Prometheus text');
    expect.ok(
      invalid(status.text).length > 0,
      'the app’s own status page is not Prometheus text (a scraper would reject it)',
      'lines that are neither comments nor samples',
      status.text,
    );
  },
};
