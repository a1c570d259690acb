// The Bun a sidecar image gets (scripts/lib/bun-binary.ts): Linux, for the engine's architecture, at the pinned
// version; never a binary for another system, wherever it was found.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from '../config.js';
import { bunArch, bunBinaryPath, elfProblem, ensureBunBinary } from '../bun-binary.js';

/** The first 20 bytes of an ELF file: 64-bit, little-endian, Linux (or System V) ABI, for `machine`. */
function elf(machine: number, abi = 0): Buffer {
  const b = Buffer.alloc(64);
  b.writeUInt32BE(0x7f454c46, 0);
  b[4] = 2;
  b[5] = 1;
  b[7] = abi;
  b.writeUInt16LE(machine, 18);
  return b;
}
const X64 = elf(0x3e);
const ARM64 = elf(0xb7);
const MACHO = Buffer.from([0xcf, 0xfa, 0xed, 0xfe, 0x0c, 0x00, 0x00, 0x01, ...new Array(56).fill(0)]);

/** A repository with package.json pinning bun, and the files given (path -> content). */
function repo(files: Record<string, Buffer>, pin = '1.4.5'): string {
  const root = mkdtempSync(join(tmpdir(), 'sl-bun-'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ devDependencies: { bun: pin } }));
  for (const [f, content] of Object.entries(files)) {
    mkdirSync(join(root, f, '..'), { recursive: true });
    writeFileSync(join(root, f), content);
  }
  return root;
}

const never = () => {
  throw new Error('fetched, though a local source had it');
};

test('engine and platform architecture names map to the names of Bun’s packages, and others are refused by name', () => {
  assert.equal(['amd64', 'x86_64', 'x64', 'linux/amd64'].map(bunArch), ['x64', 'x64', 'x64', 'x64']);
  assert.equal(['arm64', 'aarch64', 'linux/arm64'].map(bunArch), ['aarch64', 'aarch64', 'aarch64']);
  try {
    bunArch('s390x');
    assert.unreachable('s390x has no Bun');
  } catch (e) {
    assert.match((e as Error).message, /no Bun for architecture "s390x"/);
  }
});

test('an ELF header is accepted only for its own architecture, and a macOS binary never', () => {
  assert.is(elfProblem(X64, 'x64'), undefined);
  assert.is(elfProblem(ARM64, 'aarch64'), undefined);
  assert.match(elfProblem(ARM64, 'x64') ?? '', /another architecture/);
  assert.match(elfProblem(X64, 'aarch64') ?? '', /another architecture/);
  assert.match(elfProblem(MACHO, 'aarch64') ?? '', /not an ELF executable/);
  assert.match(elfProblem(elf(0x3e, 9), 'x64') ?? '', /another OS/);
  assert.match(elfProblem(Buffer.alloc(3), 'x64') ?? '', /not an ELF/);
});

test('the Bun this machine installed is a Linux binary for its own architecture', () => {
  const own = readFileSync(join(ROOT, 'node_modules', 'bun', 'bin', 'bun.exe')).subarray(0, 20);
  assert.is(elfProblem(own, bunArch(process.arch)), undefined);
});

test('the platform package’s own binary is placed in the build context, under the pinned version', () => {
  const root = repo({ 'node_modules/@oven/bun-linux-aarch64/bin/bun': ARM64 });
  try {
    const rel = ensureBunBinary('aarch64', root, never);
    assert.is(rel, bunBinaryPath('aarch64', '1.4.5'));
    assert.equal(readFileSync(join(root, rel)), ARM64);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a binary already in place is kept as it is, and fetched again once it is not Linux for that architecture', () => {
  const root = repo({ [bunBinaryPath('x64', '1.4.5')]: X64 });
  try {
    const at = join(root, bunBinaryPath('x64', '1.4.5'));
    const before = statSync(at).ino;
    ensureBunBinary('x64', root, never);
    assert.is(statSync(at).ino, before, 'the same file');
    writeFileSync(at, MACHO);
    let fetched = 0;
    ensureBunBinary('x64', root, (_arch, _version, dir) => {
      fetched++;
      writeFileSync(join(dir, 'bun'), X64);
      return join(dir, 'bun');
    });
    assert.is(fetched, 1);
    assert.equal(readFileSync(at), X64);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a host binary for another system is passed over: the package is fetched for the image’s architecture', () => {
  // A Mac's install: node_modules/bun holds a macOS binary, and no Linux package.
  const root = repo({ 'node_modules/bun/bin/bun.exe': MACHO, 'node_modules/@oven/bun-darwin-aarch64/bin/bun': MACHO });
  try {
    const asked: string[] = [];
    const rel = ensureBunBinary('aarch64', root, (arch, version, dir) => {
      asked.push(`${arch}@${version}`);
      writeFileSync(join(dir, 'bun'), ARM64);
      return join(dir, 'bun');
    });
    assert.equal(asked, ['aarch64@1.4.5']);
    assert.equal(readFileSync(join(root, rel)), ARM64);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a fetched binary for another architecture is refused with one line, and nothing is left in the context', () => {
  const root = repo({});
  try {
    ensureBunBinary('aarch64', root, (_a, _v, dir) => {
      writeFileSync(join(dir, 'bun'), X64);
      return join(dir, 'bun');
    });
    assert.unreachable('an x64 binary was taken for aarch64');
  } catch (e) {
    assert.match((e as Error).message, /@oven\/bun-linux-aarch64@1\.4\.5 is built for another architecture/);
    assert.not.ok(existsSync(join(root, bunBinaryPath('aarch64', '1.4.5'))));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('package.json must pin bun to an exact version', () => {
  const root = repo({}, '^1.4.0');
  try {
    ensureBunBinary('x64', root, never);
    assert.unreachable('a range was taken as a version');
  } catch (e) {
    assert.match((e as Error).message, /must pin bun to an exact version \(it says \^1\.4\.0\)/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the image build copies the binary from where it is put, and the build context lets it through', () => {
  const dockerfile = readFileSync(join(ROOT, 'images', 'Dockerfile'), 'utf8');
  assert.match(dockerfile, /ARG BUN_BINARY\nCOPY \$\{BUN_BINARY\} \/usr\/local\/bin\/bun\n/);
  const ignore = readFileSync(join(ROOT, 'images', 'Dockerfile.dockerignore'), 'utf8').split('\n');
  const allowed = ignore.filter((l) => l.startsWith('!')).map((l) => l.slice(1));
  const path = bunBinaryPath('aarch64', '1.4.5');
  const glob = (p: string) => new RegExp(`^${p.replace(/\./g, '\\.').replace(/\*/g, '[^/]+')}$`);
  assert.ok(
    allowed.some((p) => glob(p).test(path)),
    `${path} is let through by one of ${allowed.join(', ')}`,
  );
  assert.not.ok(ignore.includes('!node_modules/bun/bin/bun.exe'), 'the host’s own binary is not in the context');
});

test.run();
