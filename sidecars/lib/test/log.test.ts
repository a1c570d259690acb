import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogger } from '../log.js';

const test = suite('log');

test('each call writes exactly one JSON object on its own line, with time, level, sidecar, message and fields', () => {
  const out: string[] = [];
  const log = createLogger('tls-proxy', 'debug', (l) => out.push(l));
  const before = Date.now();
  log.info('listening', { port: 8443, mode: 'http' });
  log.warn('multi\nline message');
  assert.is(out.length, 2);
  for (const line of out) {
    assert.ok(line.endsWith('\n'));
    assert.is(line.indexOf('\n'), line.length - 1, 'no newline inside the record');
  }
  const first = JSON.parse(out[0]!);
  assert.equal(Object.keys(first), ['ts', 'level', 'sidecar', 'msg', 'port', 'mode']);
  assert.is(first.level, 'info');
  assert.is(first.sidecar, 'tls-proxy');
  assert.is(first.msg, 'listening');
  assert.is(first.port, 8443);
  assert.is(first.mode, 'http');
  assert.ok(Math.abs(Date.parse(first.ts) - before) < 5000);
  assert.is(JSON.parse(out[1]!).msg, 'multi\nline message');
});

test('messages below the minimum level are dropped', () => {
  const out: string[] = [];
  const log = createLogger('s', 'warn', (l) => out.push(l));
  log.debug('d');
  log.info('i');
  log.warn('w');
  log.error('e');
  assert.equal(
    out.map((l) => JSON.parse(l).level),
    ['warn', 'error'],
  );
});

test('the default minimum level is info', () => {
  const out: string[] = [];
  const log = createLogger('s', undefined, (l) => out.push(l));
  log.debug('d');
  log.info('i');
  assert.equal(
    out.map((l) => JSON.parse(l).msg),
    ['i'],
  );
});

test('an Error in the err field is logged as its message', () => {
  const out: string[] = [];
  createLogger('s', 'info', (l) => out.push(l)).error('upstream error', { err: new Error('connect ECONNREFUSED') });
  assert.is(JSON.parse(out[0]!).err, 'connect ECONNREFUSED');
});

test.run();
