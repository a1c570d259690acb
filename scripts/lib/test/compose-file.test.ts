// The one compose resolver (scripts/lib/compose-file): include, env_file, nested interpolation, Compose's
// refusals, and no environment leaking in when identify reads a file. Property tests for the parsers.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type InterpolateOptions, interpolate } from '../compose-file/interpolate.js';
import { resolveCompose } from '../compose-file/resolve.js';
import { ComposeError, parseYamlDocuments } from '../compose-file/yaml.js';
import { identify } from '../identify/run.js';
import { standIns } from '../inject/compose-check.js';

const test = suite('compose-file: the one resolver');
const root = mkdtempSync(join(tmpdir(), 'compose-file-'));
const write = (name: string, text: string) => {
  mkdirSync(join(root, name, '..'), { recursive: true });
  writeFileSync(join(root, name), text);
  return join(root, name);
};
const VISIBLE: InterpolateOptions = { unset: (_n, text) => text, refuseRequired: true };
const services = (file: string, o = {}) =>
  resolveCompose(file, { dotenv: true, profiles: 'all', interpolation: VISIBLE, ...o }).model.services as Record<
    string,
    Record<string, unknown>
  >;

test('nested defaults interpolate as Compose does, and an unset variable stays visible as written', () => {
  const env = { B: 'b', EMPTY: '' };
  const cases: [string, string][] = [
    ['${A:-${B}}', 'b'],
    ['${A:-${C:-${B}-x}}', 'b-x'],
    ['${EMPTY:-${A:-deep}}', 'deep'],
    ['${B:+${B}${B}}', 'bb'],
    ['${A} $A ${A-}', '${A} $A '],
    ['$$HOME ${A:-$$}', '$HOME $'],
  ];
  for (const [text, want] of cases) assert.is(interpolate(text, env, VISIBLE), want, text);
});

test('a required variable left unset is refused with Compose’s message, nested or not', () => {
  for (const text of ['${NEED:?set NEED}', '${A:-${NEED:?set NEED}}']) {
    try {
      interpolate(text, {}, VISIBLE);
      assert.unreachable('must refuse');
    } catch (e) {
      assert.instance(e, ComposeError);
      assert.is((e as Error).message, 'required variable NEED is missing a value: set NEED');
    }
  }
});

test('the .env beside the file is read and the environment identify runs in is not', () => {
  process.env.IDENTIFY_LEAK_TEST = 'leaked';
  try {
    write('env/.env', 'TAG=1.2\n');
    const f = write('env/compose.yaml', 'services:\n  a:\n    image: "app:${TAG}-${IDENTIFY_LEAK_TEST:-default}-${IDENTIFY_LEAK_TEST}"\n');
    assert.is(services(f).a!.image, 'app:1.2-default-${IDENTIFY_LEAK_TEST}');
  } finally {
    delete process.env.IDENTIFY_LEAK_TEST;
  }
});

test('include brings another file’s services (its paths relative to it); env_file fills the environment under the service’s own', () => {
  write('inc/sub/vars.env', 'A=from-file\nB=from-file\n');
  write(
    'inc/sub/compose.yaml',
    'services:\n  sub:\n    image: sub\n    env_file: vars.env\n    environment: { B: own }\n    volumes: ["./data:/data"]\n',
  );
  const f = write(
    'inc/compose.yaml',
    'include:\n  - sub/compose.yaml\nservices:\n  top:\n    image: top\n    env_file: [{ path: missing.env, required: false }]\n',
  );
  const s = services(f);
  assert.equal(Object.keys(s).sort(), ['sub', 'top']);
  assert.equal(s.sub!.environment, { A: 'from-file', B: 'own' });
  assert.equal((s.sub!.volumes as { source: string }[])[0]!.source, join(root, 'inc', 'sub', 'data'));
});

test('a service defined twice through include, an include cycle and an extends cycle are refused', () => {
  write('cyc/a.yaml', 'include: [b.yaml]\nservices: {}\n');
  write('cyc/b.yaml', 'include: [a.yaml]\nservices: {}\n');
  write('cyc/dup-sub.yaml', 'services:\n  x: { image: one }\n');
  write('cyc/dup.yaml', 'include: [dup-sub.yaml]\nservices:\n  x: { image: two }\n');
  write('cyc/ext.yaml', 'services:\n  p: { extends: q }\n  q: { extends: p }\n');
  for (const [file, why] of [
    ['cyc/a.yaml', /include cycle/],
    ['cyc/dup.yaml', /services\.x conflicts with imported resource/],
    ['cyc/ext.yaml', /extends cycle/],
  ] as const) {
    try {
      services(join(root, file));
      assert.unreachable(file);
    } catch (e) {
      assert.instance(e, ComposeError);
      assert.match((e as Error).message, why);
    }
  }
});

test('identify reports a join to a missing service and a cycle of joins, and still gives the members verdicts', () => {
  write(
    'joins/compose.yaml',
    'services:\n  a: { image: x, network_mode: "service:b" }\n  b: { image: y, pid: "service:a" }\n  c: { image: z, network_mode: "service:nowhere" }\n',
  );
  const r = identify(['joins'], root);
  assert.equal(r.findings.map((f) => `${f.severity} ${f.rule} ${f.container}`).sort(), ['error join-cycle a', 'warning join-missing c']);
  assert.is(r.groups.flatMap((g) => g.containers).length, 3);
});

test('inject finds the required variables through the same interpolation, nested ones too, with a path where a path goes', () => {
  assert.equal(standIns('a: ${A:-${NEED:?x}}/sub\nb: ${P:?p}\nc: $${SKIP:?no}\nd: ${COUNT:?n} ${SEEN:?s}', new Set(['P', 'SEEN'])), {
    NEED: '/',
    COUNT: '1',
  });
});

test('property: interpolation never throws on text without ${…:?} and keeps text with no $ unchanged', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 200 }), (s) => {
      const text = s.replace(/\?/g, '');
      const lenient: InterpolateOptions = { unset: (_n, t) => t, refuseRequired: false };
      const out = interpolate(text, { A: 'a' }, lenient);
      if (!text.includes('$')) assert.is(out, text);
    }),
    { numRuns: 500 },
  );
});

test('property: the YAML reader returns data or refuses with one line, for any text', () => {
  const pieces = fc.constantFrom(
    'a: ',
    '- ',
    '[',
    ']',
    '{',
    '}',
    '&x ',
    '*x',
    '<<: ',
    '\n',
    '  ',
    '"',
    "'",
    ':',
    '#',
    'b',
    '\r\n',
    '---\n',
  );
  fc.assert(
    fc.property(fc.array(pieces, { maxLength: 60 }), (parts) => {
      try {
        parseYamlDocuments(parts.join(''));
      } catch (e) {
        assert.instance(e, ComposeError);
        assert.not.match((e as Error).message, /\n/);
      }
    }),
    { numRuns: 500 },
  );
});

test.after(() => rmSync(root, { recursive: true, force: true }));
test.run();
