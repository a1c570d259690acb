// What verify reads on the host (scripts/lib/verify/host.ts) and the probe's one program (idle-elf.ts),
// checked against this process and a child of it: real sockets, a real executable.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { arch, tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { eventually } from '../../scripts/lib/check.js';
import { listeners, socketsOf, startTicks } from '../../scripts/lib/verify/host.js';
import { IDLE_ARCHES, idleElf } from '../../scripts/lib/verify/idle-elf.js';
import { quietFor } from '../../sidecars/lib/test-support/wait.js';

const test = suite('verify: the host’s view');

const listen = (host: string) =>
  new Promise<Server>((done) => {
    const s = createServer().listen(0, host, () => done(s));
  });
const portOf = (s: Server) => (s.address() as { port: number }).port;

test('listeners reads this process’s listening sockets with their addresses, and socketsOf finds their inodes', async () => {
  const [loop, any4, any6] = await Promise.all([listen('127.0.0.1'), listen('0.0.0.0'), listen('::')]);
  try {
    const mine = listeners(process.pid);
    const at = (s: Server) => mine.filter((l) => l.port === portOf(s)).map((l) => l.address);
    assert.equal(at(loop), ['127.0.0.1']);
    assert.equal(at(any4), ['0.0.0.0']);
    assert.equal(at(any6), ['::']);
    const held = socketsOf(process.pid);
    for (const s of [loop, any4, any6])
      assert.ok(held.has(mine.find((l) => l.port === portOf(s))!.inode), 'the inode is one of our descriptors');
  } finally {
    for (const s of [loop, any4, any6]) s.close();
  }
});

test('the idle program is a 64-bit static ELF for each architecture, its entry right after its one header', () => {
  for (const a of IDLE_ARCHES) {
    const b = idleElf(a);
    assert.equal([...b.subarray(0, 5)], [0x7f, 0x45, 0x4c, 0x46, 2]);
    assert.is(b.readUInt16LE(56), 1, 'one program header');
    assert.is(b.readBigUInt64LE(24), 0x400000n + 120n);
    assert.is(Number(b.readBigUInt64LE(64 + 32)), b.length, 'the segment is the whole file');
  }
  try {
    idleElf('mips');
    assert.unreachable('an unknown architecture must be refused');
  } catch (e) {
    assert.is((e as Error).message, "verify's probe has no program for mips: it runs on x86_64 and aarch64");
  }
});

test('the idle program runs here, sleeps in the kernel without using the CPU, and ends on SIGKILL', async () => {
  const native = { x64: 'x86_64', arm64: 'aarch64' }[arch() as string];
  assert.ok(native, `no idle program for ${arch()}`);
  const dir = mkdtempSync(join(tmpdir(), 'verify-idle-'));
  let child: ChildProcess | undefined;
  try {
    writeFileSync(join(dir, 'idle'), idleElf(native!));
    chmodSync(join(dir, 'idle'), 0o755);
    const idle = spawn(join(dir, 'idle'));
    child = idle;
    const exited = new Promise<NodeJS.Signals | null>((done) => idle.on('exit', (_c, sig) => done(sig)));
    const fields = () => readFileSync(`/proc/${idle.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // Starting it costs a few ticks (fork and exec are charged to the child, more on a loaded machine); asleep,
    // it is never scheduled: no tick and no context switch while it waits.
    const ticks = () => Number(fields()[11]) + Number(fields()[12]);
    const switches = () =>
      readFileSync(`/proc/${idle.pid}/status`, 'utf8')
        .split('\n')
        .filter((l) => l.includes('ctxt_switches:'))
        .map((l) => Number(l.split(':')[1]))
        .reduce((a, b) => a + b, 0);
    await eventually(async () => assert.is(fields()[0], 'S', 'asleep'), { within: 5000 });
    const [ticksBefore, switchesBefore] = [ticks(), switches()];
    await quietFor(500, 'the idle program must not wake or run while no signal is sent to it');
    assert.is(fields()[0], 'S', 'still asleep');
    assert.is(ticks() - ticksBefore, 0, 'user + system ticks while asleep');
    assert.is(switches() - switchesBefore, 0, 'context switches while asleep');
    assert.ok(Number(startTicks(idle.pid!)) > 0);
    idle.kill('SIGKILL');
    assert.is(await exited, 'SIGKILL');
  } finally {
    if (child?.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
