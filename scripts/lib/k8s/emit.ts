// The objects as YAML: one multi-document stream, or one file per object (<kind>-<name>.yaml).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { stringify } from 'yaml';
import type { K8sObject } from './convert.js';

/** No anchors or aliases (an object shared by two probes is written out twice), no folded lines. */
export const toYaml = (o: K8sObject) => stringify(o, { aliasDuplicateObjects: false, lineWidth: 0 });

export const toStream = (objects: K8sObject[]) => objects.map(toYaml).join('---\n');

export const fileName = (o: K8sObject) => `${o.kind!.toLowerCase()}-${o.metadata!.name}.yaml`;

/** Writes one file per object into dir (created if missing); returns the paths written. */
export function writeObjects(objects: K8sObject[], dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return objects.map((o) => {
    const path = join(dir, fileName(o));
    writeFileSync(path, toYaml(o));
    return path;
  });
}

/** The images the workloads run, sorted, once each. */
export function imagesOf(objects: K8sObject[]): string[] {
  const specs = objects.flatMap((o) =>
    o.kind === 'Deployment' ? [(o as Deployment).spec?.template.spec] : o.kind === 'Pod' ? [(o as Pod).spec] : [],
  );
  return [...new Set(specs.flatMap((s) => [...(s?.initContainers ?? []), ...(s?.containers ?? [])].map((c) => c.image ?? '')))].sort();
}
