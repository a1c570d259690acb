// Check 4: the ambassador. The app talks to 127.0.0.1:6379 and nothing else; the ambassador in its pod
// shards those calls over two Redis servers outside the pod.
import { expect, type Check } from '../../scripts/lib/check.js';
import { VERSION } from '../../scripts/lib/config.js';
import * as docker from '../../scripts/lib/docker.js';
import type { StackContext } from '../../scripts/lib/lifecycle.js';
import { call } from './support.js';

type C = Check<StackContext>;

const NOTES = 40;

/** The check's note names: the same 40 in every run, so that whether a hash spreads them over both shards is a
 * property of the hash, not of a draw (twemproxy's fnv1a_64 puts these 40 on one shard; murmur spreads them). */
const NAMES = Array.from({ length: NOTES }, (_, i) => `check4-${i}`);

/** redis-cli against one shard, from a probe container on the stack's network (bypassing the ambassador). */
async function redisCli(ctx: StackContext, shard: string, args: string[]): Promise<string> {
  const probe = ['--read-only', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges:true'];
  const r = await docker.runOnce([
    ...probe,
    '--network',
    `${ctx.project.name}_default`,
    '--entrypoint',
    'redis-cli',
    `sidecar-lab/redis:${VERSION}`,
    '-h',
    shard,
    ...args,
  ]);
  if (r.code !== 0) throw new Error(`redis-cli -h ${shard} ${args[0]} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

/** Keys on one shard that match a pattern. */
const keysOn = async (ctx: StackContext, shard: string, pattern: string): Promise<string[]> =>
  (await redisCli(ctx, shard, ['--scan', '--pattern', pattern])).split('\n').filter(Boolean).sort();

/** Run inside the app's container (as the app's user): the TCP sockets of the pod's network namespace,
 * and which of them the app's process holds (its /proc/<pid>/fd links to socket inodes). */
const SOCKETS = `
import json, os, socket, struct
me = os.getpid()
def cmd(p):
    try: return open('/proc/%s/cmdline' % p, 'rb').read()
    except OSError: return b''
app = [p for p in os.listdir('/proc') if p.isdigit() and int(p) != me and b'/opt/app/notes.py' in cmd(p)][0]
held = set()
for fd in os.listdir('/proc/%s/fd' % app):
    try: link = os.readlink('/proc/%s/fd/%s' % (app, fd))
    except OSError: continue
    if link.startswith('socket:['): held.add(link[8:-1])
def addr(h):
    ip, port = h.split(':')
    if len(ip) == 8:
        return '%s:%d' % (socket.inet_ntoa(struct.pack('<I', int(ip, 16))), int(port, 16))
    raw = b''.join(struct.pack('<I', int(ip[i:i + 8], 16)) for i in range(0, 32, 8))
    return '[%s]:%d' % (socket.inet_ntop(socket.AF_INET6, raw), int(port, 16))
out = []
for table in ('/proc/net/tcp', '/proc/net/tcp6'):
    try: rows = open(table).read().splitlines()[1:]
    except OSError: continue
    for line in rows:
        f = line.split()
        out.append({'local': addr(f[1]), 'remote': addr(f[2]), 'state': {'01': 'established', '0A': 'listen'}.get(f[3], f[3]), 'app': f[9] in held})
print(json.dumps(out))
`;

interface Sock {
  local: string;
  remote: string;
  state: string;
  app: boolean;
}

export const ambassadorShards: C = {
  name: `the app writes ${NOTES} notes to 127.0.0.1:6379 only; the ambassador shards them over both Redis servers (each holds some, together exactly ${NOTES}, none twice), and every connection the app holds stays on the pod’s loopback`,
  async run(ctx) {
    const names = NAMES;
    // An earlier run's notes (perhaps under another hash) off both shards first.
    for (const shard of ['shard-a', 'shard-b']) await redisCli(ctx, shard, ['DEL', ...names.map((n) => `note:${n}`)]);
    const written: Record<number, number> = {};
    for (let i = 0; i < names.length; i += 10) {
      const replies = await Promise.all(names.slice(i, i + 10).map((n) => call(ctx, 'PUT', `/notes/${n}`, `note ${n}`)));
      for (const r of replies) written[r.status] = (written[r.status] ?? 0) + 1;
    }
    expect.equal(written, { 201: NOTES }, `answers to ${NOTES} PUT /notes/<name> (status: count)`);
    const back = await call(ctx, 'GET', `/notes/${names[7]}`);
    expect.equal({ status: back.status, body: back.body }, { status: 200, body: `note ${names[7]}` }, 'a note read back through the app');

    // Straight to the shards, bypassing the ambassador.
    const pattern = 'note:check4-*';
    const [a, b] = [await keysOn(ctx, 'shard-a', pattern), await keysOn(ctx, 'shard-b', pattern)];
    const both = a.filter((k) => b.includes(k));
    expect.ok(a.length > 0 && b.length > 0, 'each shard holds a share of the notes', 'shard-a > 0, shard-b > 0', {
      a: a.length,
      b: b.length,
    });
    expect.equal(both, [], 'keys found on both shards');
    expect.equal(
      [...a, ...b].sort(),
      names.map((n) => `note:${n}`).sort(),
      'the keys on shard-a and shard-b together: exactly the notes written',
    );

    // The app knows one address, and all its connections use the loopback; the pod's connections to
    // the shards are the ambassador's.
    const appId = await ctx.project.id('app');
    const env = JSON.parse(await docker.exec(appId, ['python3', '-c', 'import json, os; print(json.dumps(dict(os.environ)))'])) as Record<
      string,
      string
    >;
    expect.equal(env.STORE, '127.0.0.1:6379', 'the app’s only store setting');
    const socks = JSON.parse(await docker.exec(appId, ['python3', '-c', SOCKETS])) as Sock[];
    // Every socket the app holds, IPv4 and IPv6, in any state but listening.
    const appConns = socks.filter((s) => s.app && s.state !== 'listen');
    const stray = appConns.filter((s) => s.local !== '127.0.0.1:8080' && s.remote !== '127.0.0.1:6379');
    expect.equal(stray, [], 'connections of the app other than to 127.0.0.1:6379 (outbound) or to its own 127.0.0.1:8080 (inbound)');
    expect.ok(
      appConns.some((s) => s.remote === '127.0.0.1:6379'),
      'the app holds its store connection to the ambassador on the loopback',
      'an established connection to 127.0.0.1:6379',
      appConns,
    );
    const shardAddrs = await Promise.all(['shard-a', 'shard-b'].map(async (s) => `${await docker.ip(await ctx.project.id(s))}:6379`));
    const toShards = socks.filter((s) => s.state === 'established' && shardAddrs.includes(s.remote));
    expect.equal(
      { shardsReached: [...new Set(toShards.map((s) => s.remote))].sort(), byTheApp: toShards.filter((s) => s.app).length },
      { shardsReached: [...shardAddrs].sort(), byTheApp: 0 },
      'the pod’s connections to the shards: both are reached, none of them by the app (so by the ambassador)',
    );
  },
};
