// `npm run build` step: bundle every sidecar for its image, and the lab's page.
import { bundleSidecars, sidecarNames } from './lib/bundle.js';
import { bundleLabPage } from './lib/lab/build.js';

await Promise.all([bundleSidecars(), bundleLabPage()]);
console.error(`bundled ${sidecarNames().length} sidecar(s): ${sidecarNames().join(', ')}`);
