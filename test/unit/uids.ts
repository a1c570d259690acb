// The rules of images/uids.yaml, as a pure function over the table and the places that use an id,
// so that test/unit/uids.test.ts can run them on the repository and on made-up cases alike.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../scripts/lib/config.js';
import { composeFiles, imageName, readYaml, stackOf, type ComposeFile } from './catalogue.js';

export interface UidTable {
  images: Record<string, number>;
  /** <stack>/<service or volume> -> the image whose id it uses on purpose, and why. */
  shared?: Record<string, { uses: string; why: string }>;
}

/** One use of ids: a compose `user:`, a `group_add:`, a tmpfs volume's uid/gid, an attach.json secret. */
export interface Place {
  /** <stack>/<service or volume>: the key of a declared sharing. */
  key: string;
  /** What and where, for the message: `user "10005:10005" in stacks/paas/compose.yaml`. */
  what: string;
  ids: number[];
  /** The image the place runs (a service), when it has one of its own: its id needs no declaration. */
  own?: string;
}

export const uidTable = (): UidTable => readYaml<UidTable>(join(ROOT, 'images', 'uids.yaml'));

/** Everything wrong with the table and the places, as sentences; [] when nothing is. */
export function uidProblems(table: UidTable, places: Place[]): string[] {
  const problems: string[] = [];
  const owners = new Map<number, string[]>();
  for (const [image, id] of Object.entries(table.images)) {
    if (!Number.isInteger(id) || id <= 0) problems.push(`${image}: ${id} is not a non-root user id`);
    owners.set(id, [...(owners.get(id) ?? []), image]);
  }
  for (const [id, images] of owners) {
    if (images.length > 1)
      problems.push(
        `collision: ${images.join(' and ')} have the same id, ${id} (each image needs its own: give all but one the next free id)`,
      );
  }
  const nameOf = (id: number) => owners.get(id)?.join('/');
  const shared = table.shared ?? {};
  const used = new Set<string>();
  for (const p of places) {
    const strangers = p.ids.filter((id) => !owners.has(id));
    if (strangers.length) {
      problems.push(`${p.key}: ${p.what} uses ${strangers.join(', ')}, which is no image's id in images/uids.yaml`);
      continue;
    }
    if (p.own !== undefined && table.images[p.own] === undefined) {
      problems.push(`${p.key}: ${p.what} runs ${p.own}, which has no id in images/uids.yaml`);
      continue;
    }
    const ownId = p.own === undefined ? undefined : table.images[p.own];
    const declared = shared[p.key];
    if (declared) used.add(p.key);
    if (p.ids.every((id) => id === ownId)) {
      if (declared)
        problems.push(
          `${p.key}: declared as using ${declared.uses}'s id, but ${p.what} is its own image's (${p.own}): drop the declaration`,
        );
      continue;
    }
    const whose = [...new Set(p.ids.map(nameOf))].join(', ');
    if (!declared) {
      const mine = p.own ? `, not its own image's (${p.own}, ${ownId})` : '';
      problems.push(
        `${p.key}: ${p.what} is the id of ${whose}${mine}: an accidental collision, or a sharing to declare under shared: in images/uids.yaml (uses: and why:)`,
      );
      continue;
    }
    const wanted = table.images[declared.uses];
    if (wanted === undefined) problems.push(`${p.key}: declared as using ${declared.uses}'s id, but ${declared.uses} is not in images:`);
    else if (p.ids.some((id) => id !== wanted))
      problems.push(`${p.key}: declared as using ${declared.uses}'s id (${wanted}), but ${p.what} is ${whose}'s`);
    if (!declared.why?.trim()) problems.push(`${p.key}: the sharing says no why:`);
  }
  for (const key of Object.keys(shared)) {
    if (!used.has(key))
      problems.push(
        `${key}: a sharing is declared in images/uids.yaml, but no compose file has that service or volume use another image's id: drop it`,
      );
  }
  return problems;
}

const ids = (text: string) => text.split(':').map(Number);

/** Every place in the stacks' compose files (and the shared fragments) that names a user or group id. */
export function composePlaces(): Place[] {
  const places: Place[] = [];
  for (const file of composeFiles()) {
    const stack = stackOf(file);
    const doc = readYaml<ComposeFile>(join(ROOT, file));
    for (const [name, s] of Object.entries(doc.services ?? {})) {
      const key = `${stack}/${name}`;
      if (s.user !== undefined)
        places.push({ key, what: `user "${s.user}" in ${file}`, ids: ids(String(s.user)), own: imageName(s.image) });
      for (const g of s.group_add ?? []) places.push({ key, what: `group_add ${g} in ${file}`, ids: [Number(g)] });
      for (const t of [s.tmpfs].flat()) {
        const m = typeof t === 'string' ? [...t.matchAll(/\b[ug]id=(\d+)/g)].map((x) => Number(x[1])) : [];
        if (m.length) places.push({ key, what: `tmpfs ${t} in ${file}`, ids: m });
      }
    }
    for (const [name, v] of Object.entries(doc.volumes ?? {})) {
      const o = v?.driver_opts?.o ?? '';
      const m = [...o.matchAll(/\b[ug]id=(\d+)/g)].map((x) => Number(x[1]));
      if (m.length) places.push({ key: `${stack}/${name}`, what: `volume ${name} (${o}) in ${file}`, ids: m });
    }
  }
  return places;
}

/** The secret file a sidecar's attach.json has written for its user: that user must be the sidecar's own. */
export function attachPlaces(sidecars: string[]): Place[] {
  const places: Place[] = [];
  for (const name of sidecars) {
    let spec: { image?: string; secret?: { uid?: number } };
    try {
      spec = JSON.parse(readFileSync(join(ROOT, 'sidecars', name, 'attach.json'), 'utf8'));
    } catch {
      continue; // this sidecar cannot be attached
    }
    if (spec.secret?.uid !== undefined) {
      places.push({
        key: `attach/${name}`,
        what: `secret.uid ${spec.secret.uid} in sidecars/${name}/attach.json`,
        ids: [spec.secret.uid],
        own: imageName(spec.image),
      });
    }
  }
  return places;
}
