// An input dir nobody gave, filled by the one-shot image the sidecar declares (attach.json dirs.NAME.issuedBy:
// tls-proxy's certs by sidecar-lab/cert-init), so that inject's output runs as it is. The issuer joins the pod as
// <app>-<image name> (as the patterns stack's cert-init does), writes into a named volume and exits; the sidecar
// waits for it, joins its group, and mounts ${APP_CERT_DIR:-<volume>}: setting the variable still brings your own.
import { type Document, isMap, type Scalar, type YAMLMap } from 'yaml';
import type { Dir, Input, Issuer } from '../attach-spec.js';

/** The pod being built (sidecar.ts's Pod). */
interface Pod {
  doc: Document;
  services: YAMLMap;
  app: string;
  pod: string;
  notes: string[];
}

/** sidecar-lab/cert-init:${V:-dev} -> cert-init */
const imageName = (image: string) =>
  image
    .replace(/:[^/]*$/, '')
    .split('/')
    .at(-1)!;

export interface Issued {
  /** The mount source: the user's variable, else the volume the issuer filled. */
  source: string;
  /** The issuer's service name, which the sidecar waits for. */
  service: string;
  group?: number;
  /** For the sidecar's comment in the file. */
  comment: string;
  /** Whether the issuer's service was added now (it is not when another sidecar's dir added it first). */
  added: boolean;
}

/** Adds the issuer of `dir` (of sidecar `name`) before position `at` in services, and its volume; the issuer's service
 * name is returned with what the sidecar mounts. `env` is the input's variable (WEB_CERT_DIR). */
export function addIssuer(
  p: Pod,
  o: { name: string; dirKey: string; dir: Dir & { issuedBy: Issuer }; input: Input; env: string; at: number; spaced: boolean },
): Issued {
  const { doc, services } = p;
  const volume = `${o.name}-${o.dirKey}`;
  const service = `${p.app}-${imageName(o.dir.issuedBy.image)}`;
  const top = doc.get('volumes');
  if (!isMap(top)) doc.set('volumes', doc.createNode({ [volume]: {} }));
  else if (!top.has(volume)) top.set(volume, doc.createNode({}));
  const added = !services.has(service);
  if (added) {
    const node = doc.createNode({
      image: o.dir.issuedBy.image,
      network_mode: `service:${p.pod}`,
      pid: `service:${p.pod}`,
      read_only: true,
      cap_drop: ['ALL'],
      security_opt: ['no-new-privileges:true'],
      volumes: [`${volume}:${o.dir.mount}`],
      healthcheck: { disable: true },
      depends_on: { [p.pod]: { condition: 'service_started' } },
    }) as YAMLMap;
    for (const key of ['cap_drop', 'security_opt', 'healthcheck']) (node.get(key) as YAMLMap).flow = true;
    ((node.get('depends_on') as YAMLMap).items[0]!.value as YAMLMap).flow = true;
    const pair = doc.createPair(service, node);
    (pair.key as Scalar).commentBefore =
      ` ${service}: issues ${o.dir.issuedBy.about} into volume ${volume} for ${o.name}, then exits (added by sidecar-lab inject)`;
    (pair.key as Scalar).spaceBefore = o.spaced;
    services.items.splice(o.at, 0, pair);
  }
  const comment = `its ${o.dirKey}: ${o.dir.issuedBy.about}, issued by ${service} into volume ${volume}; to bring your own, set ${o.env} to ${o.input.about} (or rerun with --set ${o.dirKey}=DIR)`;
  p.notes.push(`${o.name}: ${comment}`);
  return { source: `\${${o.env}:-${volume}}`, service, group: o.dir.issuedBy.group, comment, added };
}
