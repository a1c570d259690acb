// tls-proxy entry point: wiring only.
import { runSidecar } from '../../lib/run.js';
import { spec } from './params.js';
import { startProxy } from './server.js';

await runSidecar(spec, startProxy);
