// Several endpoints for one name, with mesh-proxy as a process that resolves it through getaddrinfo:
// round robin, ejection and panic over what /etc/hosts answers, and answers that change or fail while
// it runs. Each test ends with the process alive, healthy and ready, and a SIGTERM that exits 0 in time.
import * as assert from 'uvu/assert';
import { call, calls, tally, until } from './mesh.js';
import { DRAIN_MS, frontendProcess, hostsFile, hostsMeshSuite, stopsCleanly } from './process.js';

const { test, run } = hostsMeshSuite('mesh-proxy process: endpoints from /etc/hosts');

/** The process re-resolves every 200 ms: a change must show within a few of those, on this loaded machine. */
const SOON = 3000;

test('three addresses for one name in /etc/hosts are used round robin: 30 GETs, 10 to each, each counted', async ({ mesh }) => {
  const hosts = hostsFile({ backend: mesh.addresses });
  const fe = await frontendProcess(mesh, hosts);
  try {
    assert.is(await fe.metric('endpoints', { destination: 'backend' }), 3);
    assert.equal(tally(await calls(fe.port, 30)), { b1: 10, b2: 10, b3: 10 });
    assert.is(await fe.metric('requests_total', { direction: 'outbound', destination: 'backend', code: '2xx' }), 30);
    assert.equal(await stopsCleanly(fe, DRAIN_MS), []);
  } finally {
    fe.kill();
    hosts.cleanup();
  }
});

test('an endpoint that always fails is ejected after 3 in a row and gets nothing; with all failing and a 100% cap, panic uses all three', async ({
  mesh,
}) => {
  const hosts = hostsFile({ backend: mesh.addresses });
  const flags = ['--retries', '0', '--outlier-consecutive5xx', '3', '--outlier-base-ejection', '1m'];
  const fe = await frontendProcess(mesh, hosts, [...flags, '--outlier-max-ejection-percent', '100']);
  const [b1, b2, b3] = mesh.apps;
  try {
    b1!.mode = 'fail';
    const first = await calls(fe.port, 9);
    assert.is(b1!.seen.length, 3, 'ejected by its 3rd failure in a row');
    assert.is(await fe.metric('outlier_ejections_total', { destination: 'backend' }), 1);
    assert.is(await fe.metric('outlier_ejected_endpoints', { destination: 'backend' }), 1);
    assert.equal(tally(await calls(fe.port, 20)), { b2: 10, b3: 10 }, 'nothing more to b1');
    assert.is(first.filter((r) => r.status === 503).length, 3, 'with --retries 0 the client sees each of its 503s');
    b2!.mode = b3!.mode = 'fail';
    await calls(fe.port, 12);
    assert.is(await fe.metric('outlier_ejected_endpoints', { destination: 'backend' }), 3);
    const before = mesh.apps.map((a) => a.seen.length);
    const panic = await calls(fe.port, 9);
    assert.equal(
      mesh.apps.map((a, i) => a.seen.length - before[i]!),
      [3, 3, 3],
      'panic: every endpoint ejected, so every one is used',
    );
    assert.equal([...new Set(panic.map((r) => r.status))], [503], "each app's own 503");
    assert.is(await fe.metric('requests_total', { direction: 'outbound', code: '5xx' }), 3 + 12 + 9);
    assert.equal(await stopsCleanly(fe, DRAIN_MS), []);
  } finally {
    fe.kill();
    hosts.cleanup();
  }
});

test('hosts answers that change apply within a few refreshes; a name that vanishes or turns to garbage keeps the last answer, counted', async ({
  mesh,
}) => {
  const [a1, a2, a3] = mesh.addresses as [string, string, string];
  const hosts = hostsFile({ backend: [a1] });
  const fe = await frontendProcess(mesh, hosts);
  const endpoints = () => fe.metric('endpoints', { destination: 'backend' });
  const errors = () => fe.metric('dns_resolutions_total', { destination: 'backend', result: 'error' });
  try {
    assert.equal(tally(await calls(fe.port, 4)), { b1: 4 });
    hosts.set({ backend: [a1, a2, a3] });
    await until('two endpoints to join', async () => (await endpoints()) === 3, SOON);
    assert.equal(tally(await calls(fe.port, 9)), { b1: 3, b2: 3, b3: 3 });
    hosts.set({ backend: [a3] });
    await until('two endpoints to leave', async () => (await endpoints()) === 1, SOON);
    assert.equal(tally(await calls(fe.port, 6)), { b3: 6 });
    assert.is(await errors(), 0);
    // Unknown (ENOTFOUND at once, with `hosts: files`), then only garbage for it. (Not ::1: glibc's
    // files backend answers 127.0.0.1 for it when asked for IPv4.)
    const cases: [Record<string, string[]>, string][] = [
      [{ other: [a1] }, ''],
      [{}, 'not-an-address backend\n1.2.3.4.5 backend\n127.0.0 backend\n'],
    ];
    for (const [hostsNow, extra] of cases) {
      const before = await errors();
      hosts.set(hostsNow, extra);
      await until('two failed resolutions', async () => (await errors()) >= before + 2, SOON);
      assert.is(await endpoints(), 1, 'the last answer is kept');
      assert.equal(tally(await calls(fe.port, 4)), { b3: 4 });
    }
    assert.ok(fe.stdout.includes('"msg":"DNS resolution failed; keeping the last endpoints"'));
    assert.ok(fe.stdout.includes('ENOTFOUND'));
    hosts.set({ backend: [a2] });
    await until(
      'the next good answer to apply',
      async () => (await endpoints()) === 1 && (await call(fe.port)).body.startsWith('b2'),
      SOON,
    );
    assert.equal(tally(await calls(fe.port, 4)), { b2: 4 });
    assert.equal(await stopsCleanly(fe, DRAIN_MS), []);
  } finally {
    fe.kill();
    hosts.cleanup();
  }
});

run();
