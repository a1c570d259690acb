// stacks/logs: the scenario that asserts every claim in this folder's README.
import type { Scenario } from '../../scripts/lib/lifecycle.js';
import { appStop, labelled, stackTrace } from './checks-delivery.js';
import { badParameters, killedMidBatch, receiverAway } from './checks-faults.js';
import { copyTruncateRotation, renameRotation } from './checks-rotation.js';
import { endpoints } from './support.js';

const scenario: Scenario = {
  identify: {
    'pod-file': 'pause',
    'shipper-file': 'sidecar/log-shipper',
    'app-file': 'app',
    'pod-stdout': 'pause',
    'shipper-stdout': 'sidecar/log-shipper',
    'app-stdout': 'app',
    postgres: 'standalone',
    rsyslog: 'standalone',
  },
  alone:
    'two pods writing 30,000 lines through rotations every second: beside the mesh stack its shipper fell seconds behind, missed rotations and its checks’ delivery bounds ran out',
  title: 'log shipping: a log-shipper sidecar delivering two apps’ logs to rsyslog (RELP) and PostgreSQL, losing nothing',
  async describe(ctx) {
    const e = await endpoints(ctx.project);
    return {
      urls: {
        'app-file': `${e.app.file}/status`,
        'app-stdout': `${e.app.stdout}/status`,
        'shipper-file': `${e.shipper.file}/metrics`,
        'shipper-stdout': `${e.shipper.stdout}/metrics`,
        write: `${e.app.file}/write?count=1000&rate=200`,
        trace: `${e.app.stdout}/trace`,
      },
      hints: [
        `curl -X POST '${e.app.file}/write?count=1000&rate=200'`,
        `curl -X POST ${e.app.stdout}/trace`,
        `curl -s ${e.shipper.file}/metrics | grep ^log_shipper_`,
        `npm run -s stack:logs -- exec postgres psql -U postgres -d logs -c 'SELECT source, count(*), max(seq) FROM logs GROUP BY source'`,
      ],
    };
  },
  checks: [labelled, renameRotation, copyTruncateRotation, killedMidBatch, receiverAway, appStop, stackTrace, badParameters],
};

export default scenario;
