// The Bun binary a sidecar image gets: Linux, for the engine's architecture, at the version package.json pins,
// never the host's own binary as such (on a Mac that is a macOS program). It is put under .cache/bun/ in the build
// context, from the first source that has it:
//   1. node_modules/@oven/bun-linux-<arch>/bin/bun, where npm installed that package with its binary;
//   2. node_modules/bun/bin/bun.exe, when the host is Linux on that architecture (Bun's postinstall moves the
//      platform package's binary there);
//   3. `npm pack @oven/bun-linux-<arch>@<version>` from the npm registry npm is configured with, once.
// Each is checked to be an ELF executable for that architecture before an image may copy it.
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  realpathSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from './config.js';

/** The architectures the catalogue builds for, by the name Bun's packages use. */
export type BunArch = 'x64' | 'aarch64';

/** ELF's e_machine for each architecture. */
const MACHINE: Record<BunArch, number> = { x64: 0x3e, aarch64: 0xb7 };

/** An engine's or a platform's architecture name (`docker version`'s Server.Arch, `linux/arm64`, Node's
 * process.arch) as Bun's package name says it; one line naming what is supported otherwise. */
export function bunArch(name: string): BunArch {
  const arch = name.replace(/^linux\//, '');
  if (['amd64', 'x86_64', 'x64'].includes(arch)) return 'x64';
  if (['arm64', 'aarch64'].includes(arch)) return 'aarch64';
  throw new Error(`no Bun for architecture "${name}": the images are built for linux/amd64 and linux/arm64`);
}

/** The Bun version package.json pins (an exact version: the images and the host run the same Bun). */
export function bunVersion(root = ROOT): string {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
  const pin = pkg.devDependencies?.bun ?? pkg.dependencies?.bun;
  if (!pin || !/^\d+\.\d+\.\d+$/.test(pin)) throw new Error(`package.json must pin bun to an exact version (it says ${pin ?? 'nothing'})`);
  return pin;
}

/** Why a file is not a Linux executable for `arch`, or undefined when it is (from its ELF header). */
export function elfProblem(head: Buffer, arch: BunArch): string | undefined {
  if (head.length < 20 || head.readUInt32BE(0) !== 0x7f454c46) return 'not an ELF executable (a macOS or Windows Bun?)';
  if (head[4] !== 2 || head[5] !== 1) return 'not a 64-bit little-endian ELF file';
  if (head[7] !== 0 && head[7] !== 3) return `built for another OS (ELF OS/ABI ${head[7]})`;
  const machine = head.readUInt16LE(18);
  if (machine !== MACHINE[arch]) return `built for another architecture (ELF machine 0x${machine.toString(16)}, not ${arch})`;
  return undefined;
}

function readHead(file: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    const b = Buffer.alloc(20);
    return b.subarray(0, readSync(fd, b, 0, 20, 0));
  } finally {
    closeSync(fd);
  }
}

/** The binary's place in the build context, relative to the repository (what images/Dockerfile's BUN_BINARY names). */
export const bunBinaryPath = (arch: BunArch, version: string) => join('.cache', 'bun', version, `linux-${arch}`, 'bun');

/** Where a source of the binary may already be on this machine, best first. */
export function localSources(arch: BunArch, root = ROOT, host = { platform: process.platform, arch: process.arch }): string[] {
  const own = join(root, 'node_modules', '@oven', `bun-linux-${arch}`, 'bin', 'bun');
  const moved = join(root, 'node_modules', 'bun', 'bin', 'bun.exe');
  const hostIsIt = host.platform === 'linux' && bunArch(host.arch) === arch;
  return [own, ...(hostIsIt ? [moved] : [])];
}

/** Puts `from` at `to` (a hard link to the file a link leads to where it can, else a copy), whole or not at all:
 * a build context must hold the file itself. */
function place(from: string, to: string): void {
  const tmp = `${to}.${process.pid}`;
  rmSync(tmp, { force: true });
  try {
    linkSync(realpathSync(from), tmp);
  } catch {
    copyFileSync(from, tmp);
  }
  renameSync(tmp, to);
}

/** Fetches the platform package with `npm pack` and returns its bin/bun, extracted into `dir`. */
function packed(arch: BunArch, version: string, dir: string): string {
  const spec = `@oven/bun-linux-${arch}@${version}`;
  try {
    const name = execFileSync('npm', ['pack', spec, '--silent', '--pack-destination', dir], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 300_000,
    })
      .trim()
      .split('\n')
      .at(-1)!;
    execFileSync('tar', ['-xzf', join(dir, name), '-C', dir, 'package/bin/bun']);
  } catch (e) {
    throw new Error(`npm pack ${spec} failed, so no Linux Bun for the images: ${(e as Error).message.split('\n')[0]}`);
  }
  return join(dir, 'package', 'bin', 'bun');
}

/** Makes sure the build context holds Linux Bun for `arch`, and returns its path relative to the repository.
 * `fetch` gets the platform package's binary when no local source has it (npm pack; a test passes its own). */
export function ensureBunBinary(arch: BunArch, root = ROOT, fetch = packed): string {
  const version = bunVersion(root);
  const rel = bunBinaryPath(arch, version);
  const to = join(root, rel);
  if (existsSync(to) && !elfProblem(readHead(to), arch)) return rel;
  mkdirSync(join(to, '..'), { recursive: true });
  const local = localSources(arch, root).find((f) => existsSync(f) && !elfProblem(readHead(f), arch));
  if (local) {
    place(local, to);
    return rel;
  }
  const tmp = mkdtempSync(join(root, '.cache', 'bun', '.pack-'));
  try {
    const got = fetch(arch, version, tmp);
    const problem = elfProblem(readHead(got), arch);
    if (problem) throw new Error(`${relative(root, got)} from @oven/bun-linux-${arch}@${version} is ${problem}`);
    place(got, to);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return rel;
}
