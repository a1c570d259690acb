// A room bundle builds each platform in turn, and the images of one tree share their tags across platforms: the
// engine's own comes last, so that the tags are the engine's again when the bundle is written.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { buildOrder } from '../room-bundle.js';

const test = suite('the order a room bundle builds its platforms in');

test('the engine’s own platform is built last', () => {
  assert.equal(buildOrder(['linux/amd64', 'linux/arm64'], 'linux/amd64'), ['linux/arm64', 'linux/amd64']);
  assert.equal(buildOrder(['linux/amd64', 'linux/arm64'], 'linux/arm64'), ['linux/amd64', 'linux/arm64']);
});

test('a platform named twice is built once', () => {
  assert.equal(buildOrder(['linux/arm64', 'linux/arm64'], 'linux/amd64'), ['linux/arm64']);
});

test('only the platforms asked for are built, the engine’s own among them only if asked', () => {
  assert.equal(buildOrder(['linux/arm64'], 'linux/amd64'), ['linux/arm64']);
  assert.equal(buildOrder(['linux/amd64'], 'linux/amd64'), ['linux/amd64']);
});

test.run();
