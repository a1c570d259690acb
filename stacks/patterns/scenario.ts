// stacks/patterns: the scenario that asserts every claim in this folder's README: one legacy app and the
// four single-node patterns around it (init container, sidecar, ambassador, adapter), each by its contrast.
import type { Scenario } from '../../scripts/lib/lifecycle.js';
import { adapterTranslates } from './checks-adapter.js';
import { ambassadorShards } from './checks-ambassador.js';
import { failedInitBlocksPod, initRunsFirst } from './checks-init.js';
import { sidecarRestartsAlone } from './checks-sidecar.js';
import { tryLinesWork } from './checks-try.js';
import { endpoints, tryLines } from './support.js';

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
    const [e, { ca, hints }] = await Promise.all([endpoints(ctx), tryLines(ctx)]);
    return { urls: { https: `${e.https}/`, status: `${e.https}/status`, metrics: e.metrics }, files: { ca }, hints };
  },
  checks: [initRunsFirst, failedInitBlocksPod, sidecarRestartsAlone, ambassadorShards, adapterTranslates, tryLinesWork],
};

export default scenario;
