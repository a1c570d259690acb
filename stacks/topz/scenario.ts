// stacks/topz: the scenario that asserts every claim in this folder's README.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Scenario } from '../../scripts/lib/lifecycle.js';
import { pageInChromium } from './checks-page.js';
import { appListed, attachedToHttps, killedWorkerVanishes, onlyThePod } from './checks-procs.js';
import { badParameters, reachAndMethods, secretsNeverServed } from './checks-security.js';
import { tokenDir, topzUrl, writeToken } from './support.js';

const scenario: Scenario = {
  identify: { pod: 'pause', topz: 'sidecar/other', app: 'app' },
  title: 'inspecting a pod’s processes through its shared PID namespace with a topz sidecar',
  // toolbox for probes; tls-proxy and legacy-greeter for the https stack that check 6 attaches topz to.
  tools: ['toolbox', 'tls-proxy', 'legacy-greeter'],
  async prepare(state) {
    writeToken(join(state, 'topz'));
    return {
      TOPZ_TOKEN_DIR: join(state, 'topz'),
      APP_PASSWORD: `pw-${randomBytes(12).toString('hex')}`,
      APP_API_TOKEN: `tok-${randomBytes(12).toString('hex')}`,
    };
  },
  async describe(ctx) {
    const url = await topzUrl(ctx);
    const file = join(tokenDir(ctx), 'token');
    return {
      urls: { topz: `${url}/`, api: `${url}/api/processes`, metrics: `${url}/metrics`, schema: `${url}/api/schema` },
      files: { token: file },
      hints: [`curl -H "Authorization: Bearer $(cat ${file})" ${url}/api/processes`, `in a browser: ${url}/#token=<the token in ${file}>`],
    };
  },
  checks: [
    appListed,
    onlyThePod,
    secretsNeverServed,
    reachAndMethods,
    pageInChromium,
    attachedToHttps,
    killedWorkerVanishes,
    badParameters,
  ],
};

export default scenario;
