// A container's log as the lab reads it: the engine's frames demultiplexed into stdout and stderr lines
// however the bytes are cut, timestamps and JSON fields read, overlong lines cut, and nothing thrown.
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type LogLine, logLines, MAX_LINE, parseLine } from '../lab/logs.js';
import { frame } from './lab-support.js';

const test = suite('lab: logs');

/** Feeds the chunks through a fresh parser and resolves with every line. */
async function read(chunks: Buffer[], tty = false): Promise<LogLine[]> {
  const src = new PassThrough();
  const out: LogLine[] = [];
  const lines = src.pipe(logLines(tty));
  lines.on('data', (l: LogLine) => out.push(l));
  const done = new Promise((r) => lines.once('end', r));
  for (const c of chunks) src.write(c);
  src.end();
  await done;
  return out;
}

const cut = (buf: Buffer, at: number[]) => {
  const points = [...new Set(at.map((a) => a % (buf.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const p of [...points, buf.length]) {
    out.push(buf.subarray(from, p));
    from = p;
  }
  return out;
};

test('frames give their stream’s lines, in order, however the bytes are cut into chunks', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.tuple(
          fc.constantFrom<1 | 2>(1, 2),
          fc.array(fc.string({ unit: fc.constantFrom('a', 'é', ' ', '{', '}') }), { minLength: 1, maxLength: 3 }),
        ),
        { maxLength: 8 },
      ),
      fc.array(fc.nat(), { maxLength: 12 }),
      async (frames, at) => {
        const bytes = Buffer.concat(frames.map(([s, lines]) => frame(s, lines.map((l) => `2026-01-01T00:00:00.5Z ${l}\n`).join(''))));
        const got = await read(cut(bytes, at));
        const want = frames.flatMap(([s, lines]) => lines.map((l) => ({ stream: s === 2 ? 'stderr' : 'stdout', text: l })));
        assert.equal(
          got.map((l) => ({ stream: l.stream, text: l.text })),
          want,
        );
        assert.ok(got.every((l) => l.time === Date.parse('2026-01-01T00:00:00.5Z')));
      },
    ),
    { numRuns: 300 },
  );
});

test('a TTY’s raw stream gives stdout lines, a character cut in two between chunks included', async () => {
  const bytes = Buffer.from('2026-01-01T00:00:00Z héllo\n2026-01-01T00:00:01Z wörld\n', 'utf8');
  const lines = await read(cut(bytes, [27, 28, 50]), true);
  assert.equal(
    lines.map((l) => [l.stream, l.text]),
    [
      ['stdout', 'héllo'],
      ['stdout', 'wörld'],
    ],
  );
});

test('a JSON line gives its fields and level; a plain one its leading level word; others none', () => {
  const json = parseLine('2026-01-01T00:00:00Z {"ts":"x","level":"warn","sidecar":"tls-proxy","msg":"cert reloaded"}', 'stdout');
  assert.equal([json.level, json.fields?.msg, json.text.startsWith('{')], ['warn', 'cert reloaded', true]);
  assert.equal(parseLine('2026-01-01T00:00:00Z ERROR: disk full', 'stderr').level, 'error');
  assert.equal(parseLine('[info] started', 'stdout').level, 'info');
  const plain = parseLine('2026-01-01T00:00:00Z GET / 200', 'stdout');
  assert.equal([plain.level, plain.fields], [undefined, undefined]);
  assert.equal(parseLine('{not json', 'stdout').fields, undefined);
  assert.equal(parseLine('[1,2]', 'stdout').fields, undefined);
});

test('a line or a frame longer than the limit is cut, and what follows it is read', async () => {
  const long = 'x'.repeat(MAX_LINE * 3);
  const lines = await read([frame(1, `${long}\n`), frame(2, 'after\n')]);
  assert.ok(lines.length >= 2, `${lines.length} lines`);
  assert.ok(lines.every((l) => l.text.length <= MAX_LINE));
  assert.equal(lines.at(-1), { time: 0, stream: 'stderr', text: 'after' });
});

test('any bytes at all end in lines or nothing, never a throw', async () => {
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), fc.boolean(), async (bytes, tty) => {
      const lines = await read([Buffer.from(bytes)], tty);
      assert.ok(lines.every((l) => typeof l.text === 'string'));
    }),
    { numRuns: 300 },
  );
});

test.run();
