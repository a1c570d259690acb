// stacks/paas: the scenario that asserts every claim in this folder's README.
import type { Scenario } from '../../scripts/lib/lifecycle.js';
import { gitServerDown, killMidSync } from './checks-resilience.js';
import { badParameters, noCredentialLeak, noGitServed, readyAfterFirstSync, webhookAuth } from './checks-security.js';
import { brokenCommit, consistentPairs, pushServed } from './checks-sync.js';
import { endpoints, gitUrl, makeSecret } from './support.js';

const scenario: Scenario = {
  identify: { 'git-server': 'standalone', pod: 'pause', 'git-sync': 'sidecar/git-sync', app: 'app' },
  title: 'a simple PaaS: git push, a git-sync sidecar publishes, nodemon restarts the Node server',
  async prepare(state) {
    return { SECRET_DIR: makeSecret(state) };
  },
  async describe(ctx) {
    const e = { ...(await endpoints(ctx.project)), git: await gitUrl(ctx.project) };
    return {
      urls: { site: `${e.app}/`, git: e.git, webhook: e.webhook, readyz: `${e.admin}/readyz`, metrics: `${e.admin}/metrics` },
      files: { secret: `${ctx.state}/secrets/webhook` },
      hints: [`git clone ${e.git} site && cd site && $EDITOR index.html && git commit -am change && git push`, `curl -i ${e.app}/`],
    };
  },
  checks: [
    pushServed,
    consistentPairs,
    brokenCommit,
    gitServerDown,
    killMidSync,
    webhookAuth,
    noGitServed,
    noCredentialLeak,
    badParameters,
    readyAfterFirstSync,
  ],
};

export default scenario;
