// topz entry point: wiring only. The process names itself topz, so it is told apart from other
// node processes in the list it serves.
import { runSidecar } from '../../lib/run.js';
import { spec } from './params.js';
import { startTopz } from './topz.js';

process.title = 'topz';
await runSidecar(spec, startTopz);
