// node reach.js HOST:PORT...: tries a TCP connection to each, at most 2 s each, all at once, and prints
// {"HOST:PORT": true|false} on stdout. verify's probe runs it inside another network namespace (nsenter).
import { connect } from 'node:net';

const attempt = (target: string) =>
  new Promise<boolean>((done) => {
    const at = target.lastIndexOf(':');
    const socket = connect({ host: target.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(target.slice(at + 1)) });
    const end = (ok: boolean) => {
      clearTimeout(deadline);
      socket.destroy();
      done(ok);
    };
    const deadline = setTimeout(() => end(false), 2000);
    socket.once('connect', () => end(true));
    socket.once('error', () => end(false));
  });

const targets = process.argv.slice(2);
const results = await Promise.all(targets.map(attempt));
process.stdout.write(`${JSON.stringify(Object.fromEntries(targets.map((t, i) => [t, results[i]])))}\n`);
