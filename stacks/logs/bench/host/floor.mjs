// The floor of npm run bench:logs-floor, on Bun: run as `bun floor.mjs FILE PORT SECONDS`. What any log shipper on
// this runtime pays at least: the file read in 256 KiB reads into one buffer, each written to a TCP socket (Bun's
// native one), from the start again at its end, for SECONDS; no records, no framing. Prints {"bytes","seconds"},
// then waits for SIGTERM, so that its memory can be read.
import { open } from 'node:fs/promises';

const [file, port, seconds] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const fh = await open(file);
const buf = Buffer.allocUnsafe(256 * 1024);
let waiting;
const sock = await Bun.connect({ hostname: '127.0.0.1', port, socket: { data() {}, drain: () => waiting?.() } });
const t0 = performance.now();
let bytes = 0;
for (let pos = 0; performance.now() - t0 < seconds * 1000; ) {
  const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
  if (!bytesRead) {
    pos = 0;
    continue;
  }
  pos += bytesRead;
  for (let off = 0; off < bytesRead; ) {
    off += Math.max(0, sock.write(buf.subarray(off, bytesRead)));
    if (off < bytesRead) await new Promise((r) => (waiting = r));
  }
  bytes += bytesRead;
}
console.log(JSON.stringify({ bytes, seconds: (performance.now() - t0) / 1000 }));
process.on('SIGTERM', () => process.exit(0));
