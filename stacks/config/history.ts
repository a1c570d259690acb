// The key's history and its rollback, from etcd's own revisions (compaction is off in the etcd
// image, so every earlier value can still be read). Used by `npm run config -- history|rollback`.
import type { EtcdClient, Kv } from '../../sidecars/config-sync/src/etcd.js';

/** The key's values, newest first: each one read "as of" the revision just before the next newer one. */
export async function history(etcd: EtcdClient, key: string, limit = 20): Promise<Kv[]> {
  const out: Kv[] = [];
  let at: number | undefined;
  while (out.length < limit) {
    let r: Awaited<ReturnType<EtcdClient['range']>>;
    try {
      r = await etcd.range(key, at);
    } catch (e) {
      if (/compacted/.test((e as Error).message)) break; // nothing older is kept
      throw e;
    }
    if (!r.kv) break; // before the key existed (or while it was deleted)
    out.push(r.kv);
    if (r.kv.modRevision <= 1) break;
    at = r.kv.modRevision - 1;
  }
  return out;
}

export interface Rollback {
  from: number;
  to: number;
  revision: number;
  unchanged: boolean;
}

/** Puts the value the key had at `revision` back (a new revision); by default the value before the current one. */
export async function rollback(etcd: EtcdClient, key: string, revision?: number): Promise<Rollback> {
  const now = await etcd.range(key);
  if (!now.kv) throw new Error(`key ${key} does not exist`);
  const target = revision ?? now.kv.modRevision - 1;
  const then = await etcd.range(key, target);
  if (!then.kv) throw new Error(`key ${key} had no value at revision ${target}`);
  if (then.kv.value.equals(now.kv.value))
    return { from: now.kv.modRevision, to: then.kv.modRevision, revision: now.kv.modRevision, unchanged: true };
  const put = await etcd.put(key, then.kv.value);
  return { from: now.kv.modRevision, to: then.kv.modRevision, revision: put.revision, unchanged: false };
}
