// Checks 3, 4 and 8: secrets never leave topz, who can reach it and how, and bad parameters.
import { $ } from 'zx';
import { expect, type Check } from '../../scripts/lib/check.js';
import { VERSION } from '../../scripts/lib/config.js';
import * as docker from '../../scripts/lib/docker.js';
import type { StackContext } from '../../scripts/lib/lifecycle.js';
import { REDACTED } from '../../sidecars/topz/src/redact.js';
import type { Snapshot } from '../../sidecars/topz/src/schema.js';
import { peek, PEEK_PORT, probe, secrets, snapshot, token, topzUrl, TOPZ_PORT } from './support.js';

type C = Check<StackContext>;
const METHODS = ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];

/** Every answer of a topz from the host: each path, with and without the token, and refused methods. */
async function hostAnswers(base: string, tok: string): Promise<string> {
  const auth = { authorization: `Bearer ${tok}` };
  const calls: [string, RequestInit][] = [
    ...['/', '/topz.js', '/topz.css', '/api/schema', '/api/processes', '/metrics', '/nowhere'].map((p): [string, RequestInit] => [
      p,
      { headers: auth },
    ]),
    ['/api/processes', {}],
    ['/api/processes', { method: 'POST', headers: auth, body: '{}' }],
  ];
  const texts = await Promise.all(
    calls.map(async ([p, init]) => {
      const r = await fetch(`${base}${p}`, init);
      return `${[...r.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n${await r.text()}`;
    }),
  );
  return texts.join('\n');
}

/** Answers of the loopback-only topz-peek (and both admin ports), fetched from inside the pod. */
const IN_POD = `for u in / /api/processes /metrics /api/schema /nowhere; do curl -sS -i "http://127.0.0.1:${PEEK_PORT}$u"; echo; done
curl -sS -i -X POST http://127.0.0.1:${PEEK_PORT}/api/processes; echo
for p in 9701 9711; do for u in /metrics /healthz /readyz; do curl -sS -i "http://127.0.0.1:$p$u"; echo; done; done
echo '=== peek json'; curl -sS http://127.0.0.1:${PEEK_PORT}/api/processes`;

export const secretsNeverServed: C = {
  name: 'the app’s --password=… and its secret environment variable never appear in any response, whatever the options (also from a topz with cmdline and environ on, running as the app’s uid)',
  effect: 'starts',
  async run(ctx) {
    const [password, apiToken] = secrets(ctx);
    const { id: peekId } = await peek(ctx);
    const fromHost = await hostAnswers(await topzUrl(ctx), token(ctx));
    const fromPod = await probe(ctx, 'in-pod', IN_POD);
    const logsOf = async (id: string) => {
      const r = await $`docker logs ${id}`.quiet();
      return r.stdout + r.stderr;
    };
    const logs = (await logsOf(await ctx.project.id('topz'))) + (await logsOf(peekId));
    const places: [string, string][] = [
      ['answers of the published topz (defaults)', fromHost],
      ['answers of topz-peek (every option on) and both admin ports', fromPod],
      ['logs of both topz', logs],
    ];
    for (const [what, text] of places) {
      expect.ok(
        !text.includes(password!) && !text.includes(apiToken!),
        `the secrets in the ${what}`,
        'absent',
        [password, apiToken].filter((s) => text.includes(s!)).map(() => 'found'),
      );
    }
    // Positive controls: topz-peek really read the command line and the environment, and redacted them.
    const snap = JSON.parse(fromPod.slice(fromPod.indexOf('=== peek json') + 14)) as Snapshot;
    const sup = snap.processes.find((p) => p.name === 'supervisor');
    expect.ok(
      Boolean(sup?.cmdline?.includes(`--password=${REDACTED}`)),
      'the supervisor’s command line as topz-peek shows it',
      `… --password=${REDACTED}`,
      sup?.cmdline,
    );
    expect.equal(
      [sup?.environ?.APP_API_TOKEN, sup?.environ?.WORKERS],
      [REDACTED, '2'],
      'APP_API_TOKEN and WORKERS of the supervisor as topz-peek shows them',
    );
    const busy = snap.processes.find((p) => p.name === 'busy-worker');
    expect.equal(busy?.environ?.DB_PASSWORD, REDACTED, 'DB_PASSWORD (the password, handed to the workers) as topz-peek shows it');
    // The self-check: topz-peek (the app's uid) warns loudly; the published topz (its own uid) does not.
    expect.ok(
      snap.warnings.some((w) => /SECURITY WARNING: topz can read the environment of PID \d+ \(supervisor\)/.test(w)),
      'topz-peek’s warnings',
      'a SECURITY WARNING naming the supervisor',
      snap.warnings,
    );
    expect.match(logs, /"level":"warn","sidecar":"topz","msg":"SECURITY WARNING/, 'the loud warning in the logs');
    const main = await snapshot(ctx);
    expect.equal(main.warnings, [], 'warnings of the published topz (own uid, no capabilities)');
    expect.equal(
      main.processes.every((p) => !('cmdline' in p) && !('environ' in p)),
      true,
      'cmdline and environ hidden by default',
    );
  },
};

export const reachAndMethods: C = {
  name: 'the topz port cannot be reached from another container unless configured (the default loopback refuses it, the published one needs the token), and methods other than GET get 405',
  effect: 'starts',
  async run(ctx) {
    await peek(ctx);
    const ip = await docker.ip(await ctx.project.id('pod'));
    const tok = token(ctx);
    const outside = await probe(
      ctx,
      'outside',
      `
curl -s -o /dev/null --max-time 3 -w 'loopback-default %{http_code}' http://${ip}:${PEEK_PORT}/api/processes; echo " exit $?"
curl -s -o /dev/null --max-time 3 -w 'token-none %{http_code}' http://${ip}:${TOPZ_PORT}/api/processes; echo " exit $?"
curl -s -o /dev/null --max-time 3 -w 'token-wrong %{http_code}' -H 'Authorization: Bearer wrong' http://${ip}:${TOPZ_PORT}/api/processes; echo " exit $?"
curl -s -o /dev/null --max-time 3 -w 'token-right %{http_code}' -H 'Authorization: Bearer ${tok}' http://${ip}:${TOPZ_PORT}/api/processes; echo " exit $?"`,
    );
    const inside = await probe(
      ctx,
      'in-pod',
      `curl -s -o /dev/null -w 'loopback-default %{http_code}' http://127.0.0.1:${PEEK_PORT}/api/processes; echo " exit $?"`,
    );
    expect.equal(
      outside.trim().split('\n'),
      ['loopback-default 000 exit 7', 'token-none 401 exit 0', 'token-wrong 401 exit 0', 'token-right 200 exit 0'],
      `from another container on the stack’s network, to the pod at ${ip} (exit 7: connection refused)`,
    );
    expect.equal(inside.trim(), 'loopback-default 200 exit 0', 'the loopback topz from inside the pod (a positive control)');

    const base = await topzUrl(ctx);
    const auth = { authorization: `Bearer ${tok}` };
    const answers: string[] = [];
    for (const path of ['/', '/api/processes', '/metrics']) {
      for (const method of ['GET', ...METHODS]) {
        const r = await fetch(`${base}${path}`, {
          method,
          headers: auth,
          body: method === 'POST' || method === 'PUT' || method === 'PATCH' ? '{}' : undefined,
        });
        await r.arrayBuffer();
        answers.push(`${method} ${path} ${r.status}${r.status === 405 ? ` allow: ${r.headers.get('allow')}` : ''}`);
      }
    }
    const want = ['/', '/api/processes', '/metrics'].flatMap((path) => [
      `GET ${path} 200`,
      ...METHODS.map((m) => `${m} ${path} 405 allow: GET, HEAD`),
    ]);
    expect.equal(answers, want, 'answers by method and path (with the token)');
  },
};

export const badParameters: C = {
  name: 'a bad parameter (port 70000, --max-processes 0, unknown TOPZ_ variable, a token as a flag, a token under 32 characters, a public address without a token) stops topz at start with one line that names it',
  async run() {
    const image = `sidecar-lab/topz:${VERSION}`;
    const cases: [string[], number, RegExp][] = [
      [[image, '--listen-port', '70000'], 2, /^topz: invalid --listen-port \(TOPZ_LISTEN_PORT\): "70000" is not a port \(1-65535\)$/],
      [
        [image, '--max-processes', '0'],
        2,
        /^topz: invalid --max-processes \(TOPZ_MAX_PROCESSES\): 0 is out of range \(integer 1-100000\)$/,
      ],
      [['-e', 'TOPZ_SHOW_ENVIRONS=true', image], 2, /^topz: unknown environment variable: TOPZ_SHOW_ENVIRONS /],
      [[image, '--token', 'abc'], 2, /^topz: --token is a secret and cannot be a flag: set TOPZ_TOKEN or TOPZ_TOKEN_FILE$/],
      [
        ['-e', 'TOPZ_TOKEN=abc', image],
        2,
        /^topz: invalid TOPZ_TOKEN \(or TOPZ_TOKEN_FILE\): is 3 characters long; at least 32 characters are required$/,
      ],
      [
        [image, '--listen-address', '0.0.0.0'],
        2,
        /^topz: --listen-address 0\.0\.0\.0 is not loopback: set TOPZ_TOKEN_FILE, or pass --unsafe-no-auth$/,
      ],
    ];
    const got = await Promise.all(
      cases.map(async ([args]) => docker.runOnce(['--network', 'none', '--read-only', '--cap-drop', 'ALL', ...args])),
    );
    cases.forEach(([args, code, line], i) => {
      const lines = got[i]!.stderr.trim().split('\n');
      expect.equal(
        { code: got[i]!.code, lines: lines.length },
        { code, lines: 1 },
        `exit code and stderr line count for ${args.join(' ')}`,
      );
      expect.match(lines[0]!, line, `the one stderr line for ${args.join(' ')}`);
    });
  },
};
