// A fake proc root on disk: <pid>/{stat,status,comm,cmdline,environ,ns/mnt} and stat with btime,
// written from a few fields per process the way the kernel lays them out, so the modules that read
// /proc (sidecars/lib/proc.ts, config-sync's process lookup, topz) can be tested without a real pod.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeProcess {
  pid: number;
  comm: string;
  state?: string;
  ppid?: number;
  /** utime + stime in ticks (split evenly). */
  ticks?: number;
  threads?: number;
  startTicks?: number;
  uid?: number;
  euid?: number;
  capEff?: string;
  /** SigCgt mask in hex: the signals the process has a handler for. */
  sigCgt?: string;
  rssKb?: number | null;
  cmdline?: string[];
  environ?: string[];
  /** Mount namespace link, e.g. mnt:[4026531841]. */
  mnt?: string;
}

export const BTIME = 1_700_000_000;

export function statLine(p: FakeProcess): string {
  const ticks = p.ticks ?? 0;
  // Fields 3..52 of proc(5); the ones the parser reads are set, the rest are zero.
  const f = new Array<string>(50).fill('0');
  f[0] = p.state ?? 'S';
  f[1] = String(p.ppid ?? 0);
  f[11] = String(Math.floor(ticks / 2));
  f[12] = String(ticks - Math.floor(ticks / 2));
  f[17] = String(p.threads ?? 1);
  f[19] = String(p.startTicks ?? 1000);
  return `${p.pid} (${p.comm}) ${f.join(' ')}\n`;
}

export function statusText(p: FakeProcess): string {
  const uid = p.uid ?? 1000,
    euid = p.euid ?? uid;
  return [
    `Name:\t${p.comm}`,
    `State:\t${p.state ?? 'S'}`,
    `Uid:\t${uid}\t${euid}\t${euid}\t${euid}`,
    ...(p.rssKb === null ? [] : [`VmRSS:\t${p.rssKb ?? 2048} kB`]),
    `Threads:\t${p.threads ?? 1}`,
    `SigCgt:\t${p.sigCgt ?? '0000000000000000'}`,
    `CapEff:\t${p.capEff ?? '0000000000000000'}`,
    '',
  ].join('\n');
}

export interface FakeProc {
  root: string;
  add(p: FakeProcess): void;
  /** Rewrites a process's stat (e.g. more CPU ticks). */
  update(p: FakeProcess): void;
  remove(pid: number): void;
  cleanup(): void;
}

export function fakeProc(processes: FakeProcess[] = []): FakeProc {
  const root = mkdtempSync(join(tmpdir(), 'fake-proc-'));
  writeFileSync(join(root, 'stat'), `cpu  1 2 3 4\nbtime ${BTIME}\nprocesses 42\n`);
  mkdirSync(join(root, 'sys'));
  const write = (p: FakeProcess) => {
    const dir = join(root, String(p.pid));
    mkdirSync(join(dir, 'ns'), { recursive: true });
    writeFileSync(join(dir, 'stat'), statLine(p));
    writeFileSync(join(dir, 'status'), statusText(p));
    writeFileSync(join(dir, 'comm'), `${p.comm}\n`);
    writeFileSync(join(dir, 'cmdline'), (p.cmdline ?? [p.comm]).map((a) => `${a}\0`).join(''));
    writeFileSync(join(dir, 'environ'), (p.environ ?? []).map((a) => `${a}\0`).join(''));
    rmSync(join(dir, 'ns', 'mnt'), { force: true });
    symlinkSync(p.mnt ?? 'mnt:[4026531841]', join(dir, 'ns', 'mnt'));
  };
  for (const p of processes) write(p);
  return {
    root,
    add: write,
    update: write,
    remove: (pid) => rmSync(join(root, String(pid)), { recursive: true, force: true }),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** An error like the ones fs raises, with a code. */
export const fsError = (code: string) => Object.assign(new Error(`${code}: fake`), { code });
