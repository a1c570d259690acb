// A receiver that reads in fits fills the socket buffers, so that the native socket takes only part of
// some writes and queues the rest: every message still arrives whole, in order.
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RelpClient } from '../src/relp.js';

const OPEN = '200 OK\nrelp_version=0\ncommands=syslog';
const socks = new Set<Socket>();

/** A RELP receiver that acks every syslog frame, and stops reading for 5 ms after every 256 KiB. */
async function fitfulReceiver(got: Buffer[]) {
  const server = createServer((sock: Socket) => {
    socks.add(sock);
    let buf = Buffer.alloc(0);
    let since = 0;
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const m = /^(\d+) (\w+) (\d+)[ \n]/.exec(buf.toString('latin1', 0, 40));
        if (!m) break;
        const len = Number(m[3]);
        const end = m[0].length + len + (len ? 1 : 0);
        if (buf.length < end) break;
        const data = buf.subarray(m[0].length, m[0].length + len);
        if (m[2] === 'open') sock.write(`${m[1]} rsp ${OPEN.length} ${OPEN}\n`);
        else if (m[2] === 'syslog') {
          got.push(Buffer.from(data));
          sock.write(`${m[1]} rsp 6 200 OK\n`);
        } else if (m[2] === 'close') sock.end(`${m[1]} rsp 0\n`);
        buf = buf.subarray(end);
      }
      since += chunk.length;
      if (since > 256 * 1024) {
        since = 0;
        sock.pause();
        setTimeout(() => sock.resume(), 5);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port };
}

test('messages written while the socket still queues part of an earlier write all arrive whole, in order', async () => {
  const got: Buffer[] = [];
  const { server, port } = await fitfulReceiver(got);
  const client = new RelpClient({ host: '127.0.0.1', port, window: 512, timeoutMs: 10_000 });
  try {
    await client.connect();
  } finally {
    if (!client.connected) for (const s of socks) s.destroy();
  }
  // 3000 messages of 200 B to 30 KB, each filled with a byte of its own: 45 MB, well past the socket buffers.
  const sent = Array.from({ length: 3000 }, (_, i) => Buffer.alloc(200 + ((i * 7919) % 30_000), 97 + (i % 26)));
  await Promise.all([client.send(sent.slice(0, 1500)), client.send(sent.slice(1500))]);
  await client.close();
  for (const s of socks) s.destroy();
  server.close();
  assert.is(got.length, sent.length);
  const bad = got.findIndex((m, i) => !m.equals(sent[i]!));
  assert.is(bad, -1, `message ${bad + 1} arrived changed`);
});

test.run();
