// verify's JUnit reporter (scripts/lib/verify/junit.ts): its documents validate against Ant's schema
// (docs/junit-4.xsd) with Debian's xmllint, count right, and give a reader back the visible
// characters of any text, whatever bytes the logs held. Without xmllint the tests fail: make setup
// installs it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from '../../scripts/lib/config.js';
import { type JUnitCase, type JUnitSuite, junitXml } from '../../scripts/lib/verify/junit.js';

const test = suite('verify --reporter junit');
const XSD = join(ROOT, 'docs', 'junit-4.xsd');
const dir = mkdtempSync(join(tmpdir(), 'verify-junit-'));
const ESC = String.fromCharCode(27);
// Separators of the read-back: generated text never holds them (see text below).
const [SEP, END] = ['\uE000', '\uE001'];

/** Runs xmllint; fails the test (never skips it) when xmllint is not installed. */
function xmllint(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('xmllint', args, { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    assert.unreachable('xmllint is not installed: run `make setup` (it installs Debian’s libxml2-utils)');
  }
  assert.not.ok(r.error, `xmllint: ${r.error?.message}`);
  return r;
}

/** Writes each document to its own file and validates them all in one xmllint call; returns the paths. */
function validate(documents: string[], batch: string): string[] {
  const files = documents.map((d, i) => {
    const file = join(dir, `${batch}-${i}.xml`);
    writeFileSync(file, d);
    return file;
  });
  const r = xmllint(['--noout', '--schema', XSD, ...files]);
  assert.is(r.status, 0, `xmllint rejected a report:\n${r.stderr.slice(0, 4000)}`);
  assert.is(r.stderr.split('\n').filter((l) => l.endsWith(' validates')).length, files.length, r.stderr.slice(0, 4000));
  return files;
}

/** One XPath string per file, as xmllint (the reader) sees it: the fields of `fields`, in order. */
function readBack(files: string[], fields: string[]): string[][] {
  const expr = `concat(${fields.flatMap((f) => [`string(${f})`, `'${SEP}'`]).join(', ')}, '${END}')`;
  const r = xmllint(['--xpath', expr, ...files]);
  assert.is(r.status, 0, r.stderr.slice(0, 2000));
  const docs = r.stdout.split(`${END}\n`).slice(0, -1);
  assert.is(docs.length, files.length, 'one read-back per file');
  return docs.map((d) => d.split(SEP).slice(0, -1));
}

test('a report of a passed, a failed, a skipped and an errored check validates, with its counts, time and texts', () => {
  const cases: JUnitCase[] = [
    { name: 'members share the network namespace', classname: 'app', seconds: 0.5, outcome: 'passed' },
    {
      name: 'only published ports answer',
      classname: 'app',
      seconds: 1.25,
      outcome: 'failed',
      message: 'other containers reach app:8080 around tls-proxy',
      detail: `EXPECTED: refused\nRECEIVED: ${ESC}[31m200 OK${ESC}[0m <html> & ]]>\n`,
    },
    { name: 'namespaces from /proc', classname: 'app', seconds: 0, outcome: 'skipped', message: 'the host’s /proc cannot be read' },
    { name: 'sidecar restarts', classname: 'app', seconds: 2, outcome: 'error', message: 'docker kill: "exit 1"', type: 'DockerError' },
  ];
  const at = new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 678));
  const suites: JUnitSuite[] = [
    {
      name: 'verify compose.yaml',
      timestamp: at,
      hostname: 'ci-1',
      cases,
      properties: { project: 'sl-verify-1' },
      systemErr: `bell${'\u0007'}`,
    },
    { name: 'empty group', timestamp: at, hostname: '', cases: [] },
  ];
  const files = validate([junitXml(suites)], 'four');
  const counts = ['@id', '@tests', '@failures', '@errors', '@skipped', '@time', '@timestamp', '@hostname'];
  const [first, second] = [1, 2].map((n) => counts.map((a) => `/testsuites/testsuite[${n}]/${a}`));
  const c = '/testsuites/testsuite[1]/testcase';
  const texts = [
    `${c}[2]/failure/@message`,
    `${c}[2]/failure`,
    `${c}[3]/skipped/@message`,
    `${c}[4]/error/@type`,
    `${c}[4]/error/@message`,
  ];
  const system = ['/testsuites/testsuite[1]/system-err', '/testsuites/testsuite[1]/properties/property/@value'];
  const [got] = readBack(files, [...first!, ...second!, ...texts, ...system]);
  assert.equal(got!.slice(0, 16), [
    ...['0', '4', '1', '1', '1', '3.750', '2025-01-02T03:04:05', 'ci-1'],
    ...['1', '0', '0', '0', '0', '0.000', '2025-01-02T03:04:05', 'localhost'],
  ]);
  assert.equal(got!.slice(16), [
    'other containers reach app:8080 around tls-proxy',
    'EXPECTED: refused\nRECEIVED: 200 OK <html> & ]]>\n',
    'the host’s /proc cannot be read',
    'DockerError',
    'docker kill: "exit 1"',
    'bell\\u0007',
    'sl-verify-1',
  ]);
});

// The characters a reader must get back: ANSI sequences gone, each character XML forbids as \uXXXX.
function seen(s: string): string {
  let out = '';
  for (const ch of s.replace(new RegExp(`${ESC}\\[[0-?]*[ -/]*[@-~]`, 'g'), '')) {
    const c = ch.codePointAt(0)!;
    const allowed = c === 9 || c === 10 || c === 13 || (c >= 0x20 && c < 0xd800) || (c >= 0xe000 && c < 0xfffe) || c > 0xffff;
    out += allowed ? ch : `\\u${c.toString(16).padStart(4, '0')}`;
  }
  return out;
}
const orElse = (s: string, fallback: string) => (/^[ \t\n\r]*$/.test(seen(s)) ? fallback : seen(s));

const nasty = fc.constantFrom(']]>', '&', '&amp;', '"', "'", '<', '>', '\r\n', '\t', ' ', '\\u001b', `${ESC}[1;31m`, `${ESC}[0m`, ESC);
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const text = fc
  .array(fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), fc.string({ unit: codeUnit, maxLength: 6 }), nasty), { maxLength: 6 })
  .map((parts) => parts.join('').replace(/[\uE000\uE001]/g, ''));
const outcome = fc.constantFrom<JUnitCase['outcome']>('passed', 'failed', 'skipped', 'error');
const junitCase = fc.record(
  { name: text, classname: text, seconds: fc.double(), outcome, message: text, detail: text, type: text },
  { requiredKeys: ['name', 'classname', 'seconds', 'outcome'] },
);
const junitSuite = fc.record(
  {
    name: text,
    timestamp: fc.date({ noInvalidDate: false }),
    hostname: text,
    cases: fc.array(junitCase, { maxLength: 4 }),
    properties: fc.array(fc.tuple(text, text), { maxLength: 2 }).map((p) => Object.fromEntries(p)),
    systemOut: text,
    systemErr: text,
  },
  { requiredKeys: ['name', 'timestamp', 'hostname', 'cases'] },
);

const s = '/testsuites/testsuite';
const FIELDS = [
  ...['@name', '@hostname', '@tests', '@failures', '@errors', '@skipped', 'system-out', 'system-err'].map((f) => `${s}/${f}`),
  ...[1, 2].flatMap((i) => [`${s}/properties/property[${i}]/@name`, `${s}/properties/property[${i}]/@value`]),
  ...[1, 2, 3, 4].flatMap((i) => ['@name', '@classname', '*/@message', '*', '*/@type'].map((f) => `${s}/testcase[${i}]/${f}`)),
];

/** What the reader must get for FIELDS, from the suite itself. */
function wanted(x: JUnitSuite): string[] {
  const count = (o: JUnitCase['outcome']) => String(x.cases.filter((c) => c.outcome === o).length);
  const head = [orElse(x.name, '(unnamed)'), orElse(x.hostname, 'localhost'), String(x.cases.length)];
  const props = Object.entries(x.properties ?? {}).flatMap(([k, v]) => [orElse(k, '(unnamed)'), seen(v)]);
  const cases = x.cases.flatMap((c) => {
    const shown = c.outcome !== 'passed';
    const type = c.outcome === 'failed' || c.outcome === 'error' ? seen(c.type ?? c.outcome) : '';
    return [seen(c.name), seen(c.classname), shown ? seen(c.message ?? '') : '', shown ? seen(c.detail ?? '') : '', type];
  });
  const pad = (a: string[], n: number) => [...a, ...Array<string>(n - a.length).fill('')];
  return [
    ...head,
    ...[count('failed'), count('error'), count('skipped'), seen(x.systemOut ?? ''), seen(x.systemErr ?? '')],
    ...pad(props, 4),
    ...pad(cases, 20),
  ];
}

test('any text, controls, lone surrogates, ANSI colours and ]]> included, gives valid reports a reader gets back', () => {
  let batch = 0;
  let documents = 0;
  fc.assert(
    fc.property(fc.array(junitSuite, { minLength: 1, maxLength: 40, size: 'max' }), (suites) => {
      const files = validate(
        suites.map((x) => junitXml([x])),
        `prop-${batch++}`,
      );
      documents += files.length;
      const got = readBack(files, FIELDS);
      suites.forEach((x, i) => assert.equal(got[i], wanted(x), `suite ${i}: ${JSON.stringify(x)}`));
    }),
    { numRuns: 25 },
  );
  assert.ok(documents >= 25, `validated only ${documents} documents`);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
