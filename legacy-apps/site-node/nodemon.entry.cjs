// Entry point of the nodemon bundle (vendor/nodemon.cjs): nodemon's own CLI, without its update
// check. Bundled on the host by `npm run build` (scripts/lib/nodemon-bundle.ts) from the
// nodemon devDependency, so the image gets nodemon without npm.
const cli = require('nodemon/lib/cli');
const nodemon = require('nodemon/lib/');

nodemon(cli.parse(process.argv));
