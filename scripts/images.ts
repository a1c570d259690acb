// npm run images [-- base | --save FILE]: build every image in the catalogue (root compose.yaml). A second run is fully cached.
//   base          only make sure the base image exists (present, or built locally; never pulled).
//   --save FILE   build them, then write them all to FILE with docker save, for `docker load -i FILE` elsewhere.
import { resolve } from 'node:path';
import { imagesRequest } from './lib/cli/images-args.js';
import { commandName, userCwd } from './lib/cli/invocation.js';
import { buildFor, resolveBase, saveImages } from './lib/images.js';

const USAGE = `usage: ${commandName('images')} [base | --save FILE]`;
const request = imagesRequest(process.argv.slice(2));
try {
  if ('error' in request) {
    console.error(`images: ${request.error}\n${USAGE}`);
    process.exitCode = 2;
  } else if ('help' in request)
    console.log(
      `${USAGE}\nbuild every image we run; base: only the base image; --save FILE: then write them all to FILE for docker load -i FILE`,
    );
  else if ('base' in request) console.log(`base image: ${await resolveBase()}`);
  else if ('save' in request) {
    const images = await saveImages(resolve(userCwd('images'), request.save));
    console.log(`wrote ${images.length} images to ${request.save}: on another machine, docker load -i ${request.save}`);
  } else await buildFor('all');
} catch (e) {
  console.error(`✘ ${(e as Error).message}`);
  process.exitCode = 1;
}
