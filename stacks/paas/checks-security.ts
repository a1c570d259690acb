// Checks 6-10: who may trigger a sync, what is never served, what never leaks, what refuses to start.
import { randomBytes } from 'node:crypto';
import { $ } from 'zx';
import { eventually, expect, type Check } from '../../scripts/lib/check.js';
import { VERSION } from '../../scripts/lib/config.js';
import * as docker from '../../scripts/lib/docker.js';
import type { StackContext } from '../../scripts/lib/lifecycle.js';
import { sign } from '../../sidecars/git-sync/src/hmac.js';
import { workOf } from './checks-sync.js';
import { endpoints, http, metrics, secretOf, sum, waitServed } from './support.js';

type C = Check<StackContext>;
const IMAGE = `sidecar-lab/git-sync:${VERSION}`;

export const webhookAuth: C = {
  name: 'a webhook with a missing, malformed or wrong signature is refused with 401 and starts no sync; a correctly signed one gets 202 and does',
  async run(ctx) {
    const { webhook } = await endpoints(ctx.project);
    const body = JSON.stringify({ ref: 'refs/heads/main', after: '0'.repeat(40) });
    const post = (headers: Record<string, string>, text = body) =>
      http(webhook.replace(/^(http:\/\/[^/]+).*/, '$1'), '/webhook', {
        method: 'POST',
        body: text,
        headers: { 'content-type': 'application/json', ...headers },
      });
    const webhookSyncs = async () => sum(await metrics(ctx.project), 'git_sync_syncs_total', { trigger: 'webhook' });
    const before = await webhookSyncs();
    const cases: [string, Record<string, string>, string?][] = [
      ['no signature', {}],
      ['malformed signature', { 'x-hub-signature-256': 'sha256=not-hex' }],
      ['sha1 signature', { 'x-hub-signature-256': `sha1=${'0'.repeat(40)}` }],
      ['signed with another key', { 'x-hub-signature-256': sign('not-the-key', body) }],
      ['signature of another body', { 'x-hub-signature-256': sign(secretOf(ctx.state), body) }, body.replace('main', 'evil')],
    ];
    for (const [what, headers, text] of cases) {
      expect.equal((await post(headers, text)).status, 401, `status for a webhook with ${what}`);
    }
    // The listener decides before it answers (a refused request never calls for a sync), so no wait is
    // needed here; the signed control below then adds exactly one webhook sync.
    expect.equal(await webhookSyncs(), before, 'webhook-triggered syncs after the refused requests');
    // Positive control: the same request, correctly signed.
    expect.equal(
      (await post({ 'x-hub-signature-256': sign(secretOf(ctx.state), body) })).status,
      202,
      'status for a correctly signed webhook',
    );
    await eventually(async () => expect.equal(await webhookSyncs(), before + 1, 'webhook-triggered syncs after the signed request'), {
      within: 3000,
    });
  },
};

const HIDDEN = [
  '/.git',
  '/.git/',
  '/.git/HEAD',
  '/.git/config',
  '//.git',
  '/./.git',
  '/%2egit',
  '/%2Egit/HEAD',
  '/.%67it',
  '/%2e%67%69%74',
  '/docs/../.git',
  '/docs/%2e%2e/.git',
  '/docs/..%2f.git',
  '/..',
  '/../.repo/HEAD',
  '/%2e%2e/.repo/config',
  '/..%2f.repo%2fconfig',
  '/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '/..%5c.repo%5cconfig',
  '/.git%00',
  '/index.html%00/../.git',
  '/.repo/config',
  '/%2erepo/HEAD',
  '/leak',
  '/passwd',
  '/up/.repo/config',
  '/up/worktrees',
  '/current/.git',
  '/%E0%A4%A',
  '/docs/%2e%2e/%2e%2e/.repo/HEAD',
];
const LEAKS = /gitdir:|\[core\]|ref: refs\/|root:x:0|repositoryformatversion/;

export const noGitServed: C = {
  name: '/.git, the bare repository and path-traversal variants (encoded, dot-dot, backslash, NUL, committed symlinks) are never served',
  async run(ctx) {
    const w = await workOf(ctx);
    await w.symlink('leak', '../../.repo/config');
    await w.symlink('passwd', '/etc/passwd');
    await w.symlink('up', '..');
    const rev = await w.commitBuild({ 'docs/readme.txt': 'docs\n' });
    const t0 = Date.now();
    await w.push();
    await waitServed(ctx.project, rev.sha, t0, 15000);
    const { app } = await endpoints(ctx.project);
    // Positive controls: the tree really has a .git file and the traps, and ordinary files are served.
    const appId = await ctx.project.id('app');
    expect.match(
      await docker.exec(appId, ['cat', '/srv/site/current/.git']),
      /^gitdir: /,
      'the published tree has a .git file (what must not be served)',
    );
    expect.match(
      await docker.exec(appId, ['readlink', '/srv/site/current/leak']),
      /\.repo\/config$/,
      'the committed symlink trap is in the tree',
    );
    expect.equal((await http(app, '/docs/readme.txt')).status, 200, 'an ordinary nested file');
    expect.equal((await http(app, `/r/${rev.sha}/docs/readme.txt`)).status, 200, 'an ordinary file by its pinned URL');
    const served200: string[] = [];
    for (const path of [
      ...HIDDEN,
      ...HIDDEN.filter((p) => p !== '/..').map((p) => `/r/${rev.sha}${p}`),
      `/r/${rev.sha}.staging/index.html`,
      `/r/${rev.sha}/../../.repo/HEAD`,
    ]) {
      const r = await http(app, path);
      if (r.status === 200 || LEAKS.test(r.body)) served200.push(`${path} -> ${r.status} ${r.body.slice(0, 60)}`);
    }
    expect.equal(served200, [], `paths answered 200 or with repository content (of ${HIDDEN.length * 2 + 1})`);
  },
};

/** Every distinct process command line seen in a container's PID namespace during `seconds`,
 * sampled every 50 ms by a loop inside the container (one docker exec, not one per sample). */
const sampleCmdlines = (id: string, seconds: number) =>
  docker.exec(id, [
    'sh',
    '-c',
    `end=$(($(date +%s)+${seconds})); while [ $(date +%s) -lt $end ]; do for f in /proc/[0-9]*/cmdline; do tr "\\0" " " < "$f" 2>/dev/null; echo; done; sleep 0.05; done | sort -u`,
  ]);

export const noCredentialLeak: C = {
  weight: 'heavy',
  name: 'the webhook key never appears in a process command line (pod and git server, sampled during pushes) or in any log',
  async run(ctx) {
    const secret = secretOf(ctx.state);
    const w = await workOf(ctx);
    const [serverId, appId] = [await ctx.project.id('git-server'), await ctx.project.id('app')];
    // Positive control: the sampler sees another container's processes (a canary in the app's).
    const canary = `canary-${randomBytes(4).toString('hex')}`;
    await docker.execDetached(appId, ['node', '-e', 'setTimeout(() => {}, 10000)', canary]);
    // The pod's processes are sampled from the app's container (same PID namespace): the sidecar's image has no shell tools.
    const sampling = Promise.all([sampleCmdlines(appId, 10), sampleCmdlines(serverId, 10)]);
    const pushed: string[] = [];
    for (let i = 0; i < 3; i++) {
      const c = await w.commitBuild();
      const t0 = Date.now();
      pushed.push(await w.push());
      await waitServed(ctx.project, c.sha, t0, 15000);
    }
    const all = (await sampling).join('\n');
    const lines = all.split('\n').length;
    expect.ok(
      all.includes(canary) && all.includes('/opt/sidecar/main.mjs') && all.includes('git daemon'),
      "the sampler saw the pod's and the git server's processes (positive control)",
      `${canary}, main.mjs and git daemon`,
      `${lines} distinct command lines`,
    );
    expect.ok(!all.includes(secret), `the key in any of ${lines} distinct command lines sampled`, 'absent', 'present');
    const logs = await ctx.project.logs(5000);
    expect.match(
      logs,
      /"webhookSecret":"set"/,
      'the sidecar logs that the key is set, redacted (positive control that parameters are logged)',
    );
    expect.ok(!logs.includes(secret), "the key in the stack's logs", 'absent', 'present');
    // The key was in use meanwhile: the git server's hook reported each signed webhook accepted.
    expect.match(
      pushed.join(''),
      /remote: webhook: refs\/heads\/main -> HTTP\/1\.1 202 Accepted[\s\S]*202[\s\S]*202/,
      'what the git server told each push (its hook signed with the key, and git-sync accepted)',
    );
    expect.ok(!pushed.join('').includes(secret), 'the key in what the git server told the pusher', 'absent', 'present');
  },
};

export const badParameters: C = {
  name: 'a bad parameter (period below 200ms, a URL with a password, not a git URL, an unknown GIT_SYNC_ variable, the secret as a flag, no repo) stops git-sync at start with one line that names it',
  async run() {
    const cases: [string[], RegExp][] = [
      [
        [IMAGE, '--repo', 'git://x/y.git', '--period', '50ms'],
        /^git-sync: invalid --period \(GIT_SYNC_PERIOD\): 50ms is out of range \(200ms-24h\)$/,
      ],
      [
        ['-e', 'GIT_SYNC_REPO=https://deploy:hunter2@git.example/site.git', IMAGE],
        /^git-sync: invalid --repo \(GIT_SYNC_REPO\): embeds a password/,
      ],
      [
        [IMAGE, '--repo', 'ftp://git.example/site.git'],
        /^git-sync: invalid --repo \(GIT_SYNC_REPO\): "ftp:\/\/git\.example\/site\.git" is not a git URL/,
      ],
      [['-e', 'GIT_SYNC_PERIDO=1s', IMAGE, '--repo', 'git://x/y.git'], /^git-sync: unknown environment variable: GIT_SYNC_PERIDO /],
      [
        [IMAGE, '--repo', 'git://x/y.git', '--webhook-secret', 's3cret'],
        /^git-sync: --webhook-secret is a secret and cannot be a flag: set GIT_SYNC_WEBHOOK_SECRET or GIT_SYNC_WEBHOOK_SECRET_FILE$/,
      ],
      [[IMAGE], /^git-sync: required parameter: --repo or GIT_SYNC_REPO must be specified$/],
    ];
    const runs = await Promise.all(cases.map(([args]) => docker.runOnce(['--network', 'none', ...args])));
    for (const [i, [args, line]] of cases.entries()) {
      const r = runs[i]!;
      const lines = r.stderr.trim().split('\n');
      expect.equal({ code: r.code, lines: lines.length }, { code: 2, lines: 1 }, `exit code and stderr line count for ${args.join(' ')}`);
      expect.match(lines[0]!, line, `the one stderr line for ${args.join(' ')}`);
      expect.ok(!r.stderr.includes('hunter2') && !r.stderr.includes('s3cret'), 'the refused credential is not echoed', 'absent', r.stderr);
    }
  },
};

export const readyAfterFirstSync: C = {
  name: "/readyz is 503 until the first sync succeeds (unreachable repository), while /healthz is 200; the stack's sidecar is ready",
  effect: 'starts',
  async run(ctx) {
    const { admin } = await endpoints(ctx.project);
    expect.equal((await http(admin, '/readyz')).status, 200, "readyz of the stack's sidecar (positive control)");
    const name = `${ctx.project.name}-unready`;
    const r = await docker.runOnce([
      '-d',
      '--name',
      name,
      '--network',
      'none',
      IMAGE,
      '--repo',
      'git://nowhere.invalid/site.git',
      '--period',
      '500ms',
      '--max-failures',
      '1000',
    ]);
    expect.equal(r.code, 0, `exit code of an unready git-sync started detached: ${r.stderr.trim()}`);
    try {
      const probe = (path: string) =>
        docker.exec(name, [
          'bun',
          '-e',
          `fetch('http://127.0.0.1:9903${path}').then(async (r) => console.log(r.status + ' ' + (await r.text()).trim()))`,
        ]);
      const unready = await eventually(
        async () => {
          const text = await probe('/readyz');
          expect.match(text, /^503 not ready: first sync failing/, 'readyz while the repository is unreachable');
          return text;
        },
        { within: 5000, every: 250 },
      );
      expect.match(await probe('/healthz'), /^200 ok/, `healthz meanwhile (readyz said: ${unready})`);
    } finally {
      await $`docker rm -f ${name}`.quiet().nothrow();
    }
  },
};
