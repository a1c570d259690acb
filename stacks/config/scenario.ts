// stacks/config: the scenario that asserts every claim in this folder's README.
import type { Scenario } from '../../scripts/lib/lifecycle.js';
import { badParameters, etcdDown, readinessWithoutEtcd, sidecarRestart } from './checks-failure.js';
import { noPartialFile } from './checks-files.js';
import { lessonCommands } from './checks-lesson.js';
import { burstCoalesced, invalidNeverApplied, rollbackReachesApps, valueServed } from './checks-propagation.js';
import { endpoints, KEY } from './support.js';

const scenario: Scenario = {
  identify: {
    'pod-hup': 'pause',
    'sync-hup': 'sidecar/config-reloader',
    'app-hup': 'app',
    'pod-once': 'pause',
    'sync-once': 'sidecar/config-reloader',
    'app-once': 'app',
    'pod-poll': 'pause',
    poll: 'sidecar/config-reloader',
    'app-poll': 'app',
    etcd: 'standalone',
    seed: 'init',
  },
  title: 'dynamic configuration: a config-sync sidecar between etcd and two legacy apps',
  async describe(ctx) {
    const e = await endpoints(ctx.project);
    return {
      urls: {
        'app-hup': `${e.app.hup}/`,
        'app-once': `${e.app.once}/`,
        etcd: e.etcd,
        'sync-hup': `${e.admin.hup}/metrics`,
        'sync-once': `${e.admin.once}/metrics`,
      },
      hints: [
        `npm run config -- set '{"version": "v2", "greeting": "hello again"}'`,
        `curl ${e.app.hup}/version; curl ${e.app.once}/version`,
        'npm run config -- history',
        'npm run config -- rollback',
        `curl -s ${e.admin.hup}/metrics | grep ^config_sync_`,
        `key: ${KEY}`,
      ],
    };
  },
  checks: [
    valueServed,
    invalidNeverApplied,
    etcdDown,
    burstCoalesced,
    noPartialFile,
    rollbackReachesApps,
    sidecarRestart,
    readinessWithoutEtcd,
    badParameters,
    lessonCommands,
  ],
};

export default scenario;
