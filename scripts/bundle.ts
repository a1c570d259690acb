// `npm run build` step: bundle every sidecar for its image.
import { bundleSidecars, sidecarNames } from './lib/bundle.js';

await bundleSidecars();
console.error(`bundled ${sidecarNames().length} sidecar(s): ${sidecarNames().join(', ')}`);
