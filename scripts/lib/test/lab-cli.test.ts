// npm run lab's command line: bad input and a --port in use end in one line and exit 2, before anything
// is served; there is no option to bind another address. Runs the built entry file, with the V8 flags npm run lab gives it.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { until, within } from '../../../sidecars/lib/test-support/wait.js';
import { DIST, ROOT } from '../config.js';
import { NODE_FLAGS, parseLabArgs } from '../lab/args.js';

const test = suite('lab: command line');
const lab = (args: string[]) =>
  spawnSync(process.execPath, [...NODE_FLAGS, join(DIST, 'scripts', 'lab.js'), ...args], { encoding: 'utf8', timeout: 30_000 });

test('a --port in use gives one line naming it, and exit 2', async () => {
  const held = createServer();
  await new Promise<void>((r) => held.listen(0, '127.0.0.1', r));
  const port = (held.address() as { port: number }).port;
  try {
    const r = lab(['--port', String(port)]);
    assert.equal(r.status, 2);
    assert.equal(r.stderr, `lab: --port ${port} is in use on 127.0.0.1: choose another, or leave --port out for a free one\n`);
    assert.equal(r.stdout, '');
  } finally {
    held.close();
  }
});

test('bad flags end in one line that names the flag and the rule, then the usage, and exit 2', () => {
  const cases: [string[], RegExp][] = [
    [['--port', 'abc'], /^lab: --port must be an integer from 0 to 65535/],
    [['--port', '70000'], /^lab: --port must be an integer from 0 to 65535/],
    [['--project', 'Bad Name'], /^lab: --project "Bad Name" is not a Compose project name/],
    [['--bind', '0.0.0.0'], /^lab: Unknown option '--bind'/],
    [['--host', '0.0.0.0'], /^lab: Unknown option '--host'/],
    [['stray'], /^lab: unexpected argument "stray"/],
  ];
  for (const [args, want] of cases) {
    const r = lab(args);
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, want);
    assert.equal(r.stderr.trim().split('\n').length, 2, `one line and the usage: ${r.stderr}`);
  }
});

test('with no engine the lab starts anyway, prints its address with a fresh token, says "unreachable", and Ctrl-C ends it with exit 0', async () => {
  const env = { ...process.env, DOCKER_HOST: 'unix:///nonexistent/docker.sock' };
  const tokens: string[] = [];
  for (let run = 0; run < 2; run++) {
    const child = spawn(process.execPath, [...NODE_FLAGS, join(DIST, 'scripts', 'lab.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c));
    child.stderr.on('data', (c: Buffer) => (err += c));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      await until('the lab prints its address', () => out.includes('\n'), 20_000);
      const m = /^http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]{64})\n$/.exec(out);
      assert.ok(m, `printed ${JSON.stringify(out)}`);
      tokens.push(m![2]!);
      const res = await fetch(`http://127.0.0.1:${m![1]}/api/stacks`, { headers: { authorization: `Bearer ${m![2]}` } });
      assert.equal(await res.json(), { engine: 'unreachable', reason: 'connect ENOENT /nonexistent/docker.sock', stacks: [] });
      child.kill('SIGINT');
      assert.equal(await within(10_000, 'the lab exits on Ctrl-C', exited), 0);
      assert.not.match(err, m![2]!, 'the token is in no log line');
    } finally {
      child.kill('SIGKILL');
    }
  }
  assert.is.not(tokens[0], tokens[1], 'a new token at each start');
});

test('--project takes one or more names, and --port 0 or none asks for a free port', () => {
  assert.equal(parseLabArgs([]), { port: 0, projects: [] });
  assert.equal(parseLabArgs(['--port', '8080', '--project', 'shop', 'blog']), { port: 8080, projects: ['shop', 'blog'] });
  assert.equal(parseLabArgs(['--project', 'a', '--project', 'b_2']), { port: 0, projects: ['a', 'b_2'] });
  assert.equal(parseLabArgs(['--help']), undefined);
});

test('npm run lab starts the built lab on Node with the V8 flags its tests and bench:lab give it', () => {
  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  assert.ok(NODE_FLAGS.length > 0);
  assert.ok(scripts.lab!.endsWith(`&& node ${NODE_FLAGS.join(' ')} dist/scripts/lab.js`), scripts.lab);
  const r = lab(['--help']);
  assert.equal(r.status, 0);
  assert.equal(r.stderr, '');
});

test.run();
