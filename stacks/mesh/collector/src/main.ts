// span-collector entry point: wiring only.
import { runSidecar } from '../../../../sidecars/lib/run.js';
import { spec } from './params.js';
import { start } from './start.js';

await runSidecar(spec, start);
