// The recording app as a process of its own, run by Node whatever runtime the tests run on: its parser
// is llhttp, strict, the parser a legacy app behind a proxy would most likely have. It reports to its
// parent as JSON lines on stdout, in the order things happened: {port}, {data} (every byte it received,
// base64), {req} (a request's head), {end} (its body, base64), {perr} (a request its parser refused), and
// {pong} for each line read on stdin, after everything that happened before that line was read.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const say = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
let next = 0;
const server = createServer({ maxHeaderSize: 256 * 1024, requireHostHeader: false }, (req, res) => {
  const i = next++;
  say({ req: { i, method: req.method, url: req.url, rawHeaders: req.rawHeaders } });
  const body: Buffer[] = [];
  req.on('data', (c: Buffer) => body.push(c));
  req.on('end', () => {
    say({ end: { i, body: Buffer.concat(body).toString('base64') } });
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '9' }).end('recorded\n');
  });
});
server.maxHeadersCount = 0; // no limit: see whatever a proxy forwards
server.on('connection', (s) => s.on('data', (c: Buffer) => say({ data: c.toString('base64') })));
server.on('clientError', (e: NodeJS.ErrnoException, s) => {
  if (e.code?.startsWith('HPE_') && e.code !== 'HPE_INVALID_EOF_STATE') say({ perr: e.code });
  s.destroy();
});
server.listen(0, '127.0.0.1', () => say({ port: (server.address() as AddressInfo).port }));
process.stdin.on('data', (c: Buffer) => {
  for (let n = c.toString().split('\n').length - 1; n > 0; n--) say({ pong: true });
});
process.stdin.on('end', () => process.exit(0));
