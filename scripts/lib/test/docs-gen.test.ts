import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Registry } from '../../../sidecars/lib/metrics.js';
import { thrownMessage } from '../../../sidecars/lib/test-support/basics.js';
import { demoSpec as spec } from '../../../sidecars/lib/test-support/demo-spec.js';
import { markdownTable, MARKERS, metricsTable, replaceBetween, runtimeNote, runtimeSettings, sidecarMetrics } from '../docs-gen.js';
import { dockerStage } from '../sidecar-docs.js';

const test = suite('generated README blocks');

/** Every row splits into exactly `cells` cells once escaped pipes are set aside. */
const assertCells = (table: string, cells: number) => {
  for (const row of table.split('\n')) assert.is(row.replace(/\\\|/g, '').split('|').length, cells + 2, row);
};

test('the parameter table has a header and exactly one row per parameter, with pipes escaped', () => {
  const table = markdownTable(spec);
  const lines = table.split('\n');
  assert.is(lines[0], '| Flag | Env var | Rule | Default | Description |');
  assert.is(lines[1], '| --- | --- | --- | --- | --- |');
  assert.equal(lines.slice(2), [
    '| `--listen-port` | `DEMO_LISTEN_PORT` | port 1-65535 | `8443` | Port that serves TLS. |',
    '| `--cert-file` | `DEMO_CERT_FILE` | readable file | (required) | PEM certificate. |',
    '| `--mode` | `DEMO_MODE` | one of http\\|tcp | `http` | http \\| tcp proxying. |',
    '| `--hsts` | `DEMO_HSTS` | true\\|false | `false` | Add HSTS. |',
    '| `--reload-interval` | `DEMO_RELOAD_INTERVAL` | duration 100ms-596h (500ms, 5s, 1m) | `90s` | Poll interval. |',
    '| `--banner` | `DEMO_BANNER` | non-empty text |  | Optional text, no default. |',
    '| (none: secret) | `DEMO_API_TOKEN` or `DEMO_API_TOKEN_FILE` | env or file only |  | Token for the API. |',
  ]);
  assertCells(table, 5);
});

const register = (r: Registry) => ({
  hits: r.counter('hits_total', 'Hits, by result (ok|error).', ['result']),
  info: r.gauge('cert_info', 'Always 1; labels describe it.', { labels: ['serial', 'subject'] }),
  seconds: r.histogram('request_seconds', 'Latency.', [0.1, 1]),
});

test('a sidecar’s metrics are its own first, then the ones every sidecar has, each with its prefixed name, type and labels', () => {
  const defs = sidecarMetrics(spec, register);
  assert.equal(
    defs.map((d) => [d.name, d.type, d.labels.join(',')]),
    [
      ['demo_hits_total', 'counter', 'result'],
      ['demo_cert_info', 'gauge', 'serial,subject'],
      ['demo_request_seconds', 'histogram', 'le'],
      ['demo_build_info', 'gauge', 'version'],
      ['demo_ready', 'gauge', ''],
      ['process_start_time_seconds', 'gauge', ''],
      ['process_resident_memory_bytes', 'gauge', ''],
    ],
  );
});

test('the metrics table has one row per metric: name, type, labels and help, with pipes escaped', () => {
  const table = metricsTable(sidecarMetrics(spec, register));
  const lines = table.split('\n');
  assert.equal(lines.slice(0, 5), [
    '| Metric | Type | Labels | Help |',
    '| --- | --- | --- | --- |',
    '| `demo_hits_total` | counter | `result` | Hits, by result (ok\\|error). |',
    '| `demo_cert_info` | gauge | `serial`, `subject` | Always 1; labels describe it. |',
    '| `demo_request_seconds` | histogram | `le` | Latency. |',
  ]);
  assert.is(lines.length, 2 + 7);
  assertCells(table, 4);
});

test('replaceBetween swaps only the text between the markers and keeps both markers', () => {
  for (const markers of [MARKERS.params, MARKERS.metrics]) {
    const [begin, end] = markers;
    const text = `# Title\n\n${begin}\nold table\nmore old\n${end}\n\nAfter.\n`;
    const once = replaceBetween(text, markers, 'NEW', 'README.md');
    assert.is(once, `# Title\n\n${begin}\nNEW\n${end}\n\nAfter.\n`);
    // Running it again gives the same text: regeneration is idempotent.
    assert.is(replaceBetween(once, markers, 'NEW', 'README.md'), once);
  }
});

test('replaceBetween refuses a text whose markers are missing or out of order, naming the file', () => {
  const [begin, end] = MARKERS.metrics;
  for (const text of ['# Title\n', `${begin}\nonly begin\n`, `${end}\n${begin}\n`]) {
    assert.is(
      thrownMessage(Error, () => replaceBetween(text, MARKERS.metrics, 'x', 'README.md')),
      `README.md: markers not found: ${begin} ... ${end}`,
    );
  }
});

const tuned = { ...spec, runtime: { env: { BUN_JSC_someOption: '0.5', BUN_JSC_other: 'a/b' }, why: 'it keeps the heap small.' } };

test('a sidecar that declares runtime settings gets them on an ENV line of their own, after its parameters', () => {
  const lines = dockerStage(tuned).split('\n');
  assert.is(lines[0], 'FROM sidecar AS demo');
  assert.ok(lines[1]!.startsWith('ENV DEMO_LISTEN_PORT="8443"'), lines[1]);
  assert.equal(lines.slice(-2), ['ENV BUN_JSC_someOption="0.5" \\', '    BUN_JSC_other="a/b"']);
  assert.not.match(dockerStage(spec), /BUN_JSC_/);
});

test('the README names the runtime settings below the parameter table with their reason, in the plural for more than one, and says nothing for a sidecar without any', () => {
  assert.equal(runtimeNote(spec), []);
  const note = runtimeNote(tuned);
  assert.is(note.length, 2);
  assert.is(note[0], '');
  assert.match(note[1]!, /^The image also sets `BUN_JSC_someOption=0\.5`, `BUN_JSC_other=a\/b` for its runtime/);
  assert.match(
    note[1]!,
    /they are not parameters\. It keeps the heap small\. A variable of the same name in the container’s environment replaces the image’s: to undo one, set its default\. Bun reads them at start/,
  );
  const single = runtimeNote({ ...spec, runtime: { env: { BUN_JSC_someOption: '0.5' }, why: 'it keeps the heap small' } });
  assert.match(
    single[1]!,
    /it is not a parameter\. It keeps the heap small\. The same variable in the container’s environment takes its place: to undo it, set the default\. Bun reads it at start/,
  );
});

const declaring = (env: Record<string, string>, why = 'a reason') => ({ ...spec, runtime: { env, why } });
const refused: [string, ReturnType<typeof declaring>, string][] = [
  ['an empty list', declaring({}), 'demo: runtime setting list is empty: declare none, or at least one variable'],
  [
    'a name that is not a variable name',
    declaring({ 'BUN JSC': '1' }),
    'demo: runtime setting "BUN JSC" is not a variable name (letters, digits and _, not first a digit)',
  ],
  [
    'a name inside the sidecar’s prefix',
    declaring({ DEMO_GC: '1' }),
    'demo: runtime setting DEMO_GC is inside the prefix DEMO_, where it would be an unknown parameter',
  ],
  [
    'an empty value',
    declaring({ BUN_JSC_x: '' }),
    'demo: runtime setting BUN_JSC_x="" must be a plain value: letters, digits and ._:+=,@/- only',
  ],
  [
    'a value with a newline',
    declaring({ BUN_JSC_x: '1\nENV X=2' }),
    'demo: runtime setting BUN_JSC_x="1\\nENV X=2" must be a plain value: letters, digits and ._:+=,@/- only',
  ],
  [
    'a value that would break the README’s backticks or table',
    declaring({ BUN_JSC_x: '`1|2`' }),
    'demo: runtime setting BUN_JSC_x="`1|2`" must be a plain value: letters, digits and ._:+=,@/- only',
  ],
  ['a reason of two lines', declaring({ BUN_JSC_x: '1' }, 'one\ntwo'), 'demo: runtime setting reason (why) must be one line of text'],
  ['no reason', declaring({ BUN_JSC_x: '1' }, ' '), 'demo: runtime setting reason (why) must be one line of text'],
];
for (const [what, bad, message] of refused)
  test(`the generator refuses ${what} in the runtime settings, in one line that names the sidecar and the rule`, () => {
    const seen = thrownMessage(Error, () => runtimeSettings(bad));
    assert.is(seen, message);
    assert.is(
      thrownMessage(Error, () => dockerStage(bad)),
      seen,
    );
  });

test.run();
