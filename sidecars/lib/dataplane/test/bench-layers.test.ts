// Each layer of bench:https-layers does the work its row names, so that the CPU the bench gives it is that work's:
// every layer relays keep-alive requests and their responses whole; every layer but the relay adds X-Forwarded-*;
// and the layers that read the request strictly refuse a head the floor lets through.
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect } from 'node:tls';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { makePki, type Issued, type Pki } from '../../test-support/pki.js';
import { freePort, until } from '../../test-support/wait.js';
import { LAYERS, type Layer, startLayer } from '../bench/layers.js';
import type { BunListener } from '../bun-socket.js';

interface Ctx {
  pki: Pki;
  cert: Issued;
  upstream: Server;
  port: number;
  seen: IncomingHttpHeaders[];
  listener?: BunListener;
}

const BODY = 'x'.repeat(1024);
const test = suite<Ctx>('bench:https-layers probe');

test.before(async (c) => {
  c.pki = makePki();
  c.cert = c.pki.issue('server', '0b01');
  c.seen = [];
  c.upstream = createServer((req, res) => {
    c.seen.push(req.headers);
    res.writeHead(200, { 'content-length': String(BODY.length) }).end(BODY);
  }).listen(0, '127.0.0.1');
  await once(c.upstream, 'listening');
  c.port = (c.upstream.address() as { port: number }).port;
});
test.after((c) => {
  c.upstream.close();
  c.pki.cleanup();
});
test.before.each((c) => {
  c.seen.length = 0;
});
test.after.each((c) => c.listener?.stop(true));

async function start(c: Ctx, layer: Layer): Promise<number> {
  const listen = await freePort();
  c.listener = startLayer(layer, { listen, upstream: c.port, cert: c.cert.cert, key: c.cert.key });
  return listen;
}

/** A TLS connection to the layer on port, and its bytes as they come. */
async function open(port: number, ca: Buffer) {
  const s = connect({ host: '127.0.0.1', port, ca, servername: 'localhost' });
  await once(s, 'secureConnect');
  const got = { text: '', closed: false };
  s.setEncoding('latin1');
  s.on('data', (d: string) => (got.text += d));
  s.on('error', () => {});
  s.on('close', () => (got.closed = true));
  return { s, got };
}

const GET = 'GET / HTTP/1.1\r\nHost: localhost\r\n\r\n';
const RESPONSE = /^HTTP\/1\.1 200 [\s\S]*?\r\ncontent-length: 1024\r\n[\s\S]*?\r\n\r\nx{1024}$/i;

for (const layer of LAYERS)
  test(`the ${layer} layer relays three keep-alive requests on one connection and each response whole`, async (c) => {
    const { s, got } = await open(await start(c, layer), c.pki.ca);
    try {
      for (let i = 1; i <= 3; i++) {
        s.write(GET);
        await until(`response ${i}`, () => got.text.endsWith('x'.repeat(1024)) || got.closed, 5000, 5);
        assert.match(got.text, RESPONSE, `response ${i}`);
        got.text = '';
      }
      assert.not.ok(got.closed, 'the connection stays open');
      const forwarded = c.seen.map((h) => [h['x-forwarded-for'], h['x-forwarded-proto']]);
      if (layer === 'relay') assert.equal(forwarded, Array(3).fill([undefined, undefined]), 'the relay adds nothing');
      else assert.equal(forwarded, Array(3).fill(['127.0.0.1', 'https']));
    } finally {
      s.destroy();
    }
  });

/** Sends one request head over TLS; what came back once the layer closed the connection. */
async function refused(port: number, ca: Buffer, head: string): Promise<string> {
  const { s, got } = await open(port, ca);
  s.write(head);
  await until('the layer to close the connection', () => got.closed, 5000, 5);
  return got.text;
}

const SPACE_IN_NAME = 'GET / HTTP/1.1\r\nHost: localhost\r\nBad Name: x\r\n\r\n';

test('the floor forwards a header name with a space in it, since it reads nothing', async (c) => {
  const port = await start(c, 'floor');
  assert.match(await refused(port, c.pki.ca, SPACE_IN_NAME), /^HTTP\/1\.1 400 /, "the upstream's own parser refused it");
  assert.is(c.seen.length, 0);
});

for (const layer of ['strict', 'framed', 'session'] as const)
  test(`the ${layer} layer refuses a header name with a space in it before the upstream hears of it`, async (c) => {
    const port = await start(c, layer);
    const got = await refused(port, c.pki.ca, SPACE_IN_NAME);
    if (layer === 'session') assert.match(got, /^HTTP\/1\.1 400 /);
    else assert.is(got, '', 'the connection is closed with nothing sent');
    assert.is(c.seen.length, 0);
  });

test.run();
