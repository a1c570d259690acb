// When a catalogue image may skip its build (scripts/lib/build-stamp.ts): only while every file the build would
// read, and the image it gave, are as they were.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from '../config.js';
import { contextFiles, fingerprint, Stamps } from '../build-stamp.js';

const IGNORE = ['*', '!images/a/', '!sidecars/*/dist/main.mjs', 'images/a/*.md', ''].join('\n');

/** A repository with a Dockerfile, its .dockerignore, compose.yaml and these files. */
function repo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'sl-stamp-'));
  const all = {
    'images/Dockerfile': 'FROM scratch\n',
    'images/Dockerfile.dockerignore': IGNORE,
    'compose.yaml': 'services: {}\n',
    ...files,
  };
  for (const [f, content] of Object.entries(all)) {
    mkdirSync(join(root, f, '..'), { recursive: true });
    writeFileSync(join(root, f), content);
  }
  return root;
}

const FILES = {
  'images/a/run.sh': 'echo a',
  'images/a/README.md': 'not sent',
  'images/b/run.sh': 'not sent',
  'sidecars/x/dist/main.mjs': 'x',
  'sidecars/x/src/main.ts': 'not sent',
  'notes.txt': 'not sent',
};

test('the context is what the .dockerignore lets through, as Docker matches it', () => {
  const root = repo(FILES);
  try {
    assert.equal(contextFiles(root, IGNORE), ['images/a/run.sh', 'sidecars/x/dist/main.mjs']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the real catalogue context holds every sidecar bundle and the Dockerfile’s scripts, and no source', () => {
  const files = contextFiles(ROOT, readFileSync(join(ROOT, 'images', 'Dockerfile.dockerignore'), 'utf8'));
  assert.ok(files.includes('images/scratch/rootfs.sh'), files.join(' '));
  assert.ok(
    files.some((f) => /^sidecars\/tls-proxy\/dist\/main\.mjs$/.test(f)),
    'run `npm run build` first: the bundles are inputs',
  );
  assert.equal(
    files.filter((f) => f.endsWith('.ts')),
    [],
  );
});

test('the fingerprint changes with a file the build reads, the Dockerfile, compose.yaml and the environment', () => {
  const root = repo(FILES);
  try {
    const first = fingerprint(root, { V: '1' });
    assert.is(fingerprint(root, { V: '1' }), first, 'the same inputs give the same fingerprint');
    const changes: [string, () => void][] = [
      ['a context file', () => writeFileSync(join(root, 'sidecars/x/dist/main.mjs'), 'y')],
      ['the Dockerfile', () => writeFileSync(join(root, 'images/Dockerfile'), 'FROM scratch\nLABEL a=b\n')],
      ['compose.yaml', () => writeFileSync(join(root, 'compose.yaml'), 'services: { a: {} }\n')],
      ['a new context file', () => writeFileSync(join(root, 'images/a/new.sh'), '')],
    ];
    let last = first;
    for (const [what, change] of changes) {
      change();
      const now = fingerprint(root, { V: '1' });
      assert.is.not(now, last, what);
      last = now;
    }
    assert.is.not(fingerprint(root, { V: '2' }), last, 'the environment');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('files the build does not read leave the fingerprint as it is', () => {
  const root = repo(FILES);
  try {
    const before = fingerprint(root, {});
    for (const f of ['images/a/README.md', 'images/b/run.sh', 'sidecars/x/src/main.ts', 'notes.txt'])
      writeFileSync(join(root, f), 'edited');
    assert.is(fingerprint(root, {}), before);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('an image is current only with the recorded fingerprint and the id it was built with', () => {
  const state = mkdtempSync(join(tmpdir(), 'sl-stamps-'));
  try {
    new Stamps(state).record({ a: 'sha256:1', b: 'sha256:2', gone: undefined }, 'fp');
    const s = new Stamps(state); // read back from the file
    assert.equal(s.current(['a', 'b', 'c', 'gone'], 'fp', { a: 'sha256:1', b: 'sha256:2', c: 'sha256:3' }), ['a', 'b']);
    assert.equal(s.current(['a', 'b'], 'fp', { a: 'sha256:1', b: 'sha256:9' }), ['a'], 'b was rebuilt or replaced since');
    assert.equal(s.current(['a', 'b'], 'fp', { a: undefined, b: 'sha256:2' }), ['b'], 'a was removed');
    assert.equal(s.current(['a', 'b'], 'other', { a: 'sha256:1', b: 'sha256:2' }), [], 'the inputs changed');
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
});

test('an unreadable stamps file means every image is built', () => {
  const state = mkdtempSync(join(tmpdir(), 'sl-stamps-'));
  try {
    mkdirSync(join(state, 'images'));
    writeFileSync(join(state, 'images', 'stamps.json'), '{ half');
    assert.equal(new Stamps(state).current(['a'], 'fp', { a: 'sha256:1' }), []);
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
});

test.run();
