// mesh-proxy entry point: wiring only.
import { runSidecar } from '../../lib/run.js';
import { spec } from './params.js';
import { start } from './start.js';

await runSidecar(spec, (ctx) => start(ctx));
