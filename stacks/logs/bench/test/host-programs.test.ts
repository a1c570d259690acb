// The Bun programs of bench:logs-floor do what its conditions say: the receiver acknowledges every RELP frame and
// says when it has the count it waits for; the floor sends the file's bytes, in order and over again, for its time.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { freePort, until, within } from '../../../../sidecars/lib/test-support/wait.js';
import { ROOT } from '../../../../scripts/lib/config.js';

const test = suite('bench:logs-floor programs');
const BUN = join(ROOT, 'node_modules', '.bin', 'bun');
const HOST = join(ROOT, 'stacks', 'logs', 'bench', 'host');
const children: ChildProcess[] = [];

test.after.each(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM'), await once(c, 'exit');
});

/** Runs a program of HOST under Bun; its stdout, as it comes. */
function run(argv: string[]) {
  const c = spawn(BUN, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(c);
  const out = { text: '' };
  c.stdout!.on('data', (d: Buffer) => (out.text += d.toString()));
  return out;
}

test('the receiver answers open, acknowledges each syslog frame, answers close, and reports the count it waited for', async () => {
  const port = await freePort();
  const out = run([join(HOST, 'sink.mjs'), String(port), '2']);
  await until('the receiver to listen', () => out.text.includes('"listening"'), 10_000, 20);
  const s = connect(port, '127.0.0.1');
  let got = '';
  s.on('data', (d: Buffer) => (got += d.toString('latin1')));
  // Split mid-frame: a frame is answered only once it is whole.
  s.write('1 open 14 relp_version=0\n2 syslog 5 hel');
  s.write('lo\n3 syslog 5 world\n4 close 0\n');
  await until('four answers', () => got.split('\n').filter((l) => /^\d+ rsp/.test(l)).length === 4, 5000, 20);
  s.destroy();
  assert.equal(
    got.split('\n').filter((l) => /^\d+ rsp/.test(l)),
    ['1 rsp 37 200 OK', '2 rsp 6 200 OK', '3 rsp 6 200 OK', '4 rsp 0'],
  );
  assert.match(got, '1 rsp 37 200 OK\nrelp_version=0\ncommands=syslog\n');
  await until('the count', () => out.text.includes('"records":2'), 5000, 20);
});

test('the floor sends the file from its start, over again, and reports the bytes it sent', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'floor-'));
  try {
    const file = join(dir, 'app.log');
    const content = Buffer.from('0123456789'.repeat(100_000));
    writeFileSync(file, content);
    // The floor writes at full speed for its second: up to gigabytes. Every byte is counted as it comes; the
    // first two copies of the file are kept for the order checks (re-joining all of it every poll was too slow
    // on a loaded machine to see the last byte within the wait).
    const keep = 2 * content.length;
    const received: Buffer[] = [];
    let arrived = 0;
    const server = createServer((s) =>
      s.on('data', (d: Buffer) => {
        if (arrived < keep) received.push(d.subarray(0, keep - arrived));
        arrived += d.length;
      }),
    ).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const out = run([join(HOST, 'floor.mjs'), file, String((server.address() as { port: number }).port), '1']);
    await within(
      10_000,
      'the floor to report',
      until('its line', () => out.text.includes('"bytes"'), 10_000, 20),
    );
    const { bytes } = JSON.parse(out.text.trim().split('\n').at(-1)!) as { bytes: number };
    await until('every byte to arrive', () => arrived === bytes, 5000, 20);
    server.close();
    const all = Buffer.concat(received);
    assert.ok(bytes > content.length, 'more than the file once');
    assert.ok(all.subarray(0, content.length).equals(content), 'the file first, in order');
    assert.ok(
      all.subarray(content.length, 2 * content.length).equals(content.subarray(0, Math.min(content.length, all.length - content.length))),
      'then from its start again',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
