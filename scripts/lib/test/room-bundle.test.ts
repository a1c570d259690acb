// What a room bundle holds for a stack, and when a stack run takes a loaded image as built (no engine needed).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { adoptable, type Loaded } from '../loaded-images.js';
import { composeImages, stackServices } from '../room-bundle.js';

const test = suite('a room bundle’s images, and when a loaded one is taken as built');
const CATALOGUE = {
  pause: 'sidecar-lab/pause:0.1.0',
  'tls-proxy': 'sidecar-lab/tls-proxy:0.1.0',
  'legacy-greeter': 'sidecar-lab/legacy-greeter:0.1.0',
  toolbox: 'sidecar-lab/toolbox:0.1.0',
  'git-sync': 'sidecar-lab/git-sync:0.1.0',
};

test('a compose file’s images include those of the files its services extend, each file read once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sl-compose-images-'));
  writeFileSync(join(dir, 'pod.yaml'), 'services:\n  pod:\n    image: sidecar-lab/pause:${SIDECAR_LAB_VERSION:-dev}\n');
  writeFileSync(
    join(dir, 'compose.yaml'),
    [
      'services:',
      '  pod:',
      '    extends: { file: pod.yaml, service: pod }',
      '  again:',
      '    extends: { file: pod.yaml, service: pod }',
      '  app:',
      '    image: "sidecar-lab/legacy-greeter:${SIDECAR_LAB_VERSION:-dev}"',
      '  db:',
      '    image: postgres:16',
    ].join('\n'),
  );
  assert.equal([...composeImages(join(dir, 'compose.yaml'))].sort(), ['sidecar-lab/legacy-greeter', 'sidecar-lab/pause']);
});

test('the https stack needs its pod, its sidecar, its app and the tools its scenario names, and nothing else', async () => {
  assert.equal(await stackServices('https', CATALOGUE), ['legacy-greeter', 'pause', 'tls-proxy', 'toolbox']);
});

const loaded: Loaded = { revision: 'abc', images: { 'sidecar-lab/pause:0.1.0': 'sha256:1', 'sidecar-lab/tls-proxy:0.1.0': 'sha256:2' } };
const services = { pause: 'sidecar-lab/pause:0.1.0', 'tls-proxy': 'sidecar-lab/tls-proxy:0.1.0', 'git-sync': 'sidecar-lab/git-sync:0.1.0' };
const unchanged = () => false;

test('an image loaded from a bundle of this commit, still with its id, is taken as built; one not loaded is not', () => {
  assert.equal(adoptable(loaded, 'abc', services, { pause: 'sha256:1', 'tls-proxy': 'sha256:2', 'git-sync': 'sha256:9' }, unchanged), [
    'pause',
    'tls-proxy',
  ]);
});

test('an image replaced since the load (another id) is built again', () => {
  assert.equal(adoptable(loaded, 'abc', services, { pause: 'sha256:7', 'tls-proxy': 'sha256:2' }, unchanged), ['tls-proxy']);
});

test('nothing is taken as built in a clone at another commit, or with a tracked file changed, or with nothing loaded', () => {
  const ids = { pause: 'sha256:1', 'tls-proxy': 'sha256:2' };
  assert.equal(adoptable(loaded, 'def', services, ids, unchanged), []);
  assert.equal(
    adoptable(loaded, 'abc', services, ids, () => true),
    [],
  );
  assert.equal(adoptable(undefined, 'abc', services, ids, unchanged), []);
});

test.run();
