// npm run images: build every image in the catalogue (root compose.yaml). A second run is fully cached.
//   npm run images -- base   only make sure the base image exists (present, pulled, or built locally).
import { buildFor, resolveBase } from './lib/images.js';

if (process.argv[2] === 'base') console.log(`base image: ${await resolveBase()}`);
else await buildFor('all');
