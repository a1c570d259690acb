// What a failed bring-up shows (scripts/lib/compose.ts diagnostics): the last probes of each unhealthy container,
// with their exit codes and output, beside `ps` and the logs. Needs Docker; runs one container of the toolbox
// image whose health check always fails, and removes it.
import { randomBytes } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { $ } from 'zx';
import { diagnostics, Project, unhealthyProbes } from '../compose.js';
import { ROOT, VERSION } from '../config.js';
import { eventually } from '../check.js';

test('a container whose probe fails is reported with its probes’ exit code and output', async () => {
  const name = `sl-report-${randomBytes(4).toString('hex')}`;
  const project = new Project({ project: name, cwd: ROOT, files: [], env: {} });
  await $`docker run --pull never -d --rm --name ${name}-c --label ${`com.docker.compose.project=${name}`} --health-cmd ${'echo the probe says no; exit 3'} --health-interval 1s --health-retries 1 ${`sidecar-lab/toolbox:${VERSION}`} sleep 120`.quiet();
  try {
    const report = await eventually(
      async () => {
        const r = await unhealthyProbes(project);
        assert.ok(r, 'the engine calls it unhealthy');
        return r;
      },
      { within: 30_000, every: 500 },
    );
    assert.match(report, `${name}-c: unhealthy; its last probes:`);
    assert.match(report, / exit 3 the probe says no$/m);
    assert.match(await diagnostics(project, 5), '--- health probes of the unhealthy');
  } finally {
    await $`docker rm -f ${`${name}-c`}`.quiet().nothrow();
  }
});

test('no unhealthy container: nothing to report', async () => {
  assert.is(await unhealthyProbes(new Project({ project: 'sl-report-none', cwd: ROOT, files: [], env: {} })), '');
});

test.run();
