// One layer of layers.ts as a process, for npm run bench:https-layers. Run with Bun:
//   bun probe.js --layer relay|floor|strict|framed|session --listen PORT --upstream PORT --cert DIR
// It listens on 127.0.0.1:PORT with DIR/tls.crt and DIR/tls.key, relays to 127.0.0.1:UPSTREAM, says so in one
// JSON line, and exits 0 on SIGTERM.
import { parseArgs } from 'node:util';
import { LAYERS, type Layer, startLayer } from './layers.js';

const { values: a } = parseArgs({
  options: { layer: { type: 'string' }, listen: { type: 'string' }, upstream: { type: 'string' }, cert: { type: 'string' } },
});
const layer = a.layer as Layer;
if (!LAYERS.includes(layer)) throw new Error(`invalid --layer: "${a.layer}" is not one of ${LAYERS.join('|')}`);
if (!a.listen || !a.upstream || !a.cert) throw new Error('required flags: --listen PORT, --upstream PORT and --cert DIR must be specified');
startLayer(layer, { listen: Number(a.listen), upstream: Number(a.upstream), cert: `${a.cert}/tls.crt`, key: `${a.cert}/tls.key` });
process.on('SIGTERM', () => process.exit(0));
console.log(JSON.stringify({ msg: 'listening', layer, port: Number(a.listen) }));
