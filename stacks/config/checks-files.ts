// Check 5: the file in the shared directory is always whole, for a reader inside the pod.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { $, sleep } from 'zx';
import { eventually, expect, type Check } from '../../scripts/lib/check.js';
import { VERSION } from '../../scripts/lib/config.js';
import * as docker from '../../scripts/lib/docker.js';
import type { StackContext } from '../../scripts/lib/lifecycle.js';
import { EtcdClient } from '../../sidecars/config-sync/src/etcd.js';
import { configValue, endpoints, KEY, note } from './support.js';

type C = Check<StackContext>;
interface Counts {
  reads: number;
  partial: number;
  versions: number;
}

export const noPartialFile: C = {
  name: 'a reader looping inside the pod never sees a partial config file while 32-64 KB values are written (control: an in-place writer is caught)',
  async run(ctx) {
    const e = await endpoints(ctx.project);
    const etcd = new EtcdClient(e.etcd);
    const pod = await ctx.project.id('pod-hup');
    // The reader stops once it has read the shared file 1000 times across 3 versions (and caught the
    // in-place writer); 120 s is a bound only a hang reaches. The writes go on until it stops.
    const [limitS, minReads, minVersions] = [120, 1000, 3];
    const name = `${ctx.project.name}-reader`;
    const reader = docker.runOnce([
      '--name',
      name,
      '--network',
      `container:${pod}`,
      '--pid',
      `container:${pod}`,
      '--user',
      '10010:10010',
      '-v',
      `${ctx.project.name}_config-hup:/config:ro`,
      '-v',
      `${join(ctx.dir, 'reader.py')}:/reader.py:ro`,
      '--entrypoint',
      'python3',
      `sidecar-lab/legacy-config-once:${VERSION}`,
      '/reader.py',
      String(limitS),
      String(minReads),
      String(minVersions),
    ]);
    let readerDone = false;
    void reader.finally(() => {
      readerDone = true;
    });
    // The reader says when it is reading; writing starts then, not after a guess at its start-up time.
    await eventually(
      async () => expect.match((await $`docker logs ${name}`.quiet().nothrow()).stdout, /^reading$/m, 'the reader is reading'),
      { within: 30_000, every: 100 },
    );
    const stamp = Date.now();
    let puts = 0;
    while (!readerDone) {
      const padding = randomBytes(24_000 + Math.floor(Math.random() * 24_000)).toString('base64');
      await etcd.put(KEY, configValue(`big-${stamp}-${puts++}`, padding));
      await sleep(150);
    }
    const r = await reader;
    expect.equal(r.code, 0, `reader exit code (stderr: ${r.stderr.trim().slice(-300)})`);
    const counts = JSON.parse(r.stdout.trim().split('\n').pop()!) as { shared: Counts; naive: Counts };
    note(
      `${puts} puts; shared file: ${counts.shared.reads} reads, ${counts.shared.versions} versions, ${counts.shared.partial} partial; in-place control: ${counts.naive.reads} reads, ${counts.naive.partial} partial`,
    );
    expect.ok(counts.naive.partial > 0, 'the control: partial reads of the file rewritten in place', '> 0', counts.naive);
    expect.ok(
      counts.shared.reads >= minReads && counts.shared.versions >= minVersions,
      'the reader read the shared file often, across several writes',
      `>= ${minReads} reads, >= ${minVersions} versions`,
      counts.shared,
    );
    expect.equal(counts.shared.partial, 0, 'partial reads of the shared config file');
  },
};
