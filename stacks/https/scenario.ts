// stacks/https: the scenario that asserts every claim in this folder's README.
import { join } from 'node:path';
import { createCa, issueServerCert } from '../../scripts/lib/certs.js';
import type { Scenario } from '../../scripts/lib/lifecycle.js';
import { badParameters, certRotation } from './checks-sidecar.js';
import { appRestart, sharedNamespaces, sidecarCrash, startStopOrder } from './checks-pod.js';
import { httpsReachesApp, oldTlsAndPlainHttpRefused, plainPortIsPrivate } from './checks-traffic.js';
import { caDir, certDir, endpoints } from './support.js';

const scenario: Scenario = {
  identify: { pod: 'pause', 'tls-proxy': 'sidecar/tls-proxy', app: 'app' },
  title: 'adding HTTPS to a legacy HTTP service with a TLS sidecar',
  tools: ['toolbox'],
  async prepare(state) {
    const ca = await createCa(join(state, 'ca'));
    await issueServerCert(ca, join(state, 'certs'));
    return { CERT_DIR: join(state, 'certs') };
  },
  async describe(ctx) {
    const e = await endpoints(ctx);
    const ca = join(caDir(ctx), 'ca.crt');
    return {
      urls: { https: e.https, healthz: `${e.admin}/healthz`, readyz: `${e.admin}/readyz`, metrics: `${e.admin}/metrics` },
      files: { ca, cert: join(certDir(ctx), 'tls.crt'), key: join(certDir(ctx), 'tls.key') },
      hints: [`curl --cacert ${ca} ${e.https}`, `curl ${e.admin}/metrics`],
    };
  },
  checks: [
    httpsReachesApp,
    plainPortIsPrivate,
    oldTlsAndPlainHttpRefused,
    sharedNamespaces,
    startStopOrder,
    sidecarCrash,
    appRestart,
    certRotation,
    badParameters,
  ],
};

export default scenario;
