// `npm run build` step: bundle every sidecar for its image.
import { bundleSidecars, sidecarNames } from './lib/bundle.js';

await bundleSidecars();
console.log(`bundled ${sidecarNames().length} sidecar(s): ${sidecarNames().join(', ')}`);
