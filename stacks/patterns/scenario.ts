// stacks/patterns: the scenario that asserts every claim in this folder's README: one legacy app and the
// four single-node patterns around it (init container, sidecar, ambassador, adapter), each by its contrast.
import type { Scenario } from '../../scripts/lib/lifecycle.js';
import { adapterTranslates } from './checks-adapter.js';
import { ambassadorShards } from './checks-ambassador.js';
import { failedInitBlocksPod, initRunsFirst } from './checks-init.js';
import { sidecarRestartsAlone } from './checks-sidecar.js';
import { endpoints } from './support.js';

const scenario: Scenario = {
  identify: {
    pod: 'pause',
    init: 'init',
    'tls-proxy': 'sidecar/tls-proxy',
    ambassador: 'ambassador/db-proxy',
    adapter: 'adapter/metrics',
    app: 'app',
    'shard-a': 'standalone',
    'shard-b': 'standalone',
  },
  title: 'init container, sidecar, ambassador and adapter around one legacy app',
  async describe(ctx) {
    const e = await endpoints(ctx);
    return {
      urls: { https: `${e.https}/`, status: `${e.https}/status`, metrics: e.metrics },
      hints: [
        `docker exec ${ctx.project.name}-tls-proxy-1 cat /etc/tls/tls.crt > notes.crt   # the certificate the init container issued`,
        `curl --cacert notes.crt -X PUT --data hello ${e.https}/notes/first`,
        `curl --cacert notes.crt ${e.https}/status`,
        `curl ${e.metrics}`,
      ],
    };
  },
  checks: [initRunsFirst, failedInitBlocksPod, sidecarRestartsAlone, ambassadorShards, adapterTranslates],
};

export default scenario;
