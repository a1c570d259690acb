// A parameter table with one parameter of each kind, for the tests of what is generated from a
// table: the --help text (sidecars/lib/help.ts) and the README blocks (scripts/lib/docs-gen.ts).
import { bool, duration, file, oneOf, port, secret, string, type Table } from '../params.js';
import type { Spec } from '../parse.js';

export const demoParams = {
  listenPort: port({ default: 8443, description: 'Port that serves TLS.' }),
  certFile: file({ required: true, description: 'PEM certificate.' }),
  mode: oneOf(['http', 'tcp'] as const, { default: 'http', description: 'http | tcp proxying.' }),
  hsts: bool({ default: false, description: 'Add HSTS.' }),
  reloadInterval: duration({ default: '90s', min: '100ms', description: 'Poll interval.' }),
  banner: string({ description: 'Optional text, no default.' }),
  apiToken: secret({ description: 'Token for the API.' }),
};

export const demoSpec: Spec<Table> = { name: 'demo', prefix: 'DEMO', summary: 'does demo things.', params: demoParams };
