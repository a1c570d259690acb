// npm run config -- <command> [--project NAME] [--key KEY] [--etcd URL]
//   set VALUE | set @FILE | set -   put a new config (a JSON text, a file, or stdin)
//   get [--revision N]               print the config (now, or as it was at revision N)
//   history [--limit N]              list the key's earlier values, newest first
//   rollback [REVISION]              put back the value of an earlier revision (default: the previous one)
//   baseline                         start the naive 1 s polling pod (compose profile "baseline") beside the stack
// It talks to the etcd of the config stack that `npm run stack:config -- up` left running (found in
// .state/*/run.json; --project picks one when several are up) on its published 127.0.0.1 port.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { listRuns, projectOf, type RunRecord } from '../../scripts/lib/run-state.js';
import { EtcdClient } from '../../sidecars/config-sync/src/etcd.js';
import { history, rollback } from './history.js';
import { KEY, startBaseline } from './support.js';

const USAGE = `usage: npm run config -- set VALUE|@FILE|- | get [--revision N] | history [--limit N] | rollback [REVISION] | baseline
       options: --project NAME (which running config stack), --key KEY (default ${KEY}), --etcd URL (skip the lookup)`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    project: { type: 'string' },
    key: { type: 'string', default: KEY },
    etcd: { type: 'string' },
    revision: { type: 'string' },
    limit: { type: 'string', default: '20' },
    help: { type: 'boolean', short: 'h' },
  },
});

class UsageError extends Error {}

function int(text: string | undefined, what: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new UsageError(`${what} must be a whole number, not ${JSON.stringify(text)}`);
  return Number(text);
}

/** The newest (or --project) config run recorded in .state/ by `npm run stack:config -- up`. */
function run(): RunRecord {
  const runs = listRuns('config').filter((r) => !values.project || r.project === values.project);
  if (!runs.length) {
    throw new Error(
      values.project
        ? `no config stack named ${values.project} in .state/`
        : 'no config stack is running: start one with npm run stack:config -- up',
    );
  }
  if (runs.length > 1 && !values.project)
    console.error(`note: ${runs.length} config stacks are up; using the newest, ${runs[0]!.project} (choose with --project)`);
  return runs[0]!;
}

/** etcd of the running stack (or --etcd). */
async function connect(): Promise<EtcdClient> {
  if (values.etcd) return new EtcdClient(values.etcd);
  const rec = run();
  try {
    return new EtcdClient(`http://${await projectOf(rec).port('etcd', 2379)}`);
  } catch {
    throw new Error(`${rec.project} is recorded in .state/ but its etcd is not running (remove it with npm run stack:config -- down)`);
  }
}

function readValue(arg: string | undefined): Buffer {
  if (arg === undefined) throw new UsageError('set needs a value: a JSON text, @FILE or - (stdin)');
  if (arg === '-') return readFileSync(0);
  if (arg.startsWith('@')) return readFileSync(arg.slice(1));
  return Buffer.from(arg);
}

/** A short, one-line view of a value for the history table. */
function summary(value: Buffer): string {
  try {
    const doc = JSON.parse(value.toString('utf8')) as { version?: unknown; greeting?: unknown };
    return `version=${JSON.stringify(doc.version)} greeting=${JSON.stringify(String(doc.greeting ?? '').slice(0, 40))}`;
  } catch {
    return `(not JSON) ${JSON.stringify(value.toString('utf8').slice(0, 40))}`;
  }
}

async function main(): Promise<void> {
  const [command, arg] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const key = values.key!;
  switch (command) {
    case 'set': {
      const value = readValue(arg);
      const etcd = await connect();
      const r = await etcd.put(key, value);
      console.log(`put ${key} at revision ${r.revision} (${value.length} bytes)`);
      return;
    }
    case 'get': {
      const etcd = await connect();
      const r = await etcd.range(key, int(values.revision, '--revision'));
      if (!r.kv) throw new Error(`key ${key} has no value${values.revision ? ` at revision ${values.revision}` : ''}`);
      console.error(`${key}: revision ${r.kv.modRevision}, version ${r.kv.version}, ${r.kv.value.length} bytes`);
      process.stdout.write(r.kv.value.toString('utf8').replace(/\n?$/, '\n'));
      return;
    }
    case 'history': {
      const etcd = await connect();
      const rows = await history(etcd, key, int(values.limit, '--limit'));
      if (!rows.length) throw new Error(`key ${key} has no value`);
      console.log('revision  version  bytes  value');
      for (const [i, kv] of rows.entries()) {
        console.log(
          `${String(kv.modRevision).padStart(8)}  ${String(kv.version).padStart(7)}  ${String(kv.value.length).padStart(5)}  ${summary(kv.value)}${i === 0 ? '   <- current' : ''}`,
        );
      }
      return;
    }
    case 'rollback': {
      const etcd = await connect();
      const r = await rollback(etcd, key, int(arg, 'REVISION'));
      console.log(
        r.unchanged
          ? `the value of revision ${r.to} is already the current one (revision ${r.from}); nothing put`
          : `rolled back to the value of revision ${r.to}: put as revision ${r.revision} (was revision ${r.from})`,
      );
      return;
    }
    case 'baseline': {
      const rec = run();
      const p = await startBaseline(rec);
      console.log(`the 1 s polling baseline is up in ${rec.project}: app-poll at http://${await p.port('pod-poll', 8080)}/`);
      console.log(
        `its logs: docker logs -f $(docker ps -q --filter label=com.docker.compose.project=${rec.project} --filter label=com.docker.compose.service=app-poll)`,
      );
      return;
    }
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  }
}

try {
  await main();
} catch (e) {
  console.error(`✘ ${(e as Error).message}`);
  if (e instanceof UsageError) console.error(USAGE);
  process.exitCode = e instanceof UsageError ? 2 : 1;
}
