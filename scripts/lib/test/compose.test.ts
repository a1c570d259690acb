import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ComposeError, Project, wrap } from '../compose.js';

const test = suite('compose');

test('a plain-object rejection of the docker-compose package becomes a ComposeError with the last lines of stderr', async () => {
  const err = Array.from({ length: 12 }, (_, i) => `line ${i + 1}`).join('\n');
  try {
    await wrap('up', Promise.reject({ exitCode: 17, err, out: 'ignored' }));
    assert.unreachable('should throw');
  } catch (e) {
    assert.instance(e, ComposeError);
    const c = e as ComposeError;
    assert.equal([c.command, c.exitCode, c.stderr], ['up', 17, err]);
    assert.ok(c.message.startsWith('docker compose up failed (exit 17): line 5\n'), c.message);
    assert.ok(c.message.endsWith('line 12'), c.message);
  }
});

test('a real Error passes through wrap unchanged, and a resolved call returns its value', async () => {
  const boom = new TypeError('boom');
  try {
    await wrap('ps', Promise.reject(boom));
    assert.unreachable('should throw');
  } catch (e) {
    assert.is(e, boom);
  }
  assert.is(await wrap('ps', Promise.resolve(5)), 5);
});

test('a rejection with only stdout says what stdout said', async () => {
  try {
    await wrap('config', Promise.reject({ exitCode: 1, out: 'services.x: invalid' }));
    assert.unreachable('should throw');
  } catch (e) {
    assert.match((e as Error).message, /services\.x: invalid$/);
  }
});

test('a project names itself by its project name', () => {
  assert.is(new Project({ project: 'sl-x-abc', cwd: '/tmp', files: ['compose.yaml'], env: {} }).name, 'sl-x-abc');
});

test.run();
