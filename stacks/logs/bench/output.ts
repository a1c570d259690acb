// The benchmark's view of the receiver: its output file, read on the host as it grows (new bytes only),
// to time the first and the last line, and read whole after a run to check that every seq is there once.
import { open } from 'node:fs/promises';
import { $, sleep } from 'zx';
import { exec } from '../../../scripts/lib/docker.js';

const FILE = '/var/lib/rsyslog-out/received.log';
const CHUNK = 4 * 2 ** 20;

/** The seq of a received line: the input's "seq":N, or \\"seq\\":N inside log-shipper's JSON message. */
const SEQ = /seq\\?":(\d+)/;

export class OutputWatch {
  private constructor(
    private readonly path: string,
    private readonly receiver: string,
  ) {}

  /** The watch of a receiver whose output volume is `volume` (the file is read on the host). */
  static async of(volume: string, receiver: string): Promise<OutputWatch> {
    const mount = (await $`docker volume inspect --format ${'{{.Mountpoint}}'} ${volume}`.quiet()).stdout.trim();
    return new OutputWatch(`${mount}/received.log`, receiver);
  }

  /** Empties the output file (the receiver appends to it). */
  async reset(): Promise<void> {
    await exec(this.receiver, ['sh', '-c', `: > ${FILE}`]);
  }

  /** Waits until the file holds `lines` lines; the seconds from the first line seen to the last. */
  async untilHolds(lines: number, limitMs: number): Promise<{ seconds: number }> {
    const buf = Buffer.alloc(CHUNK);
    const end = Date.now() + limitMs;
    let offset = 0,
      count = 0,
      first = 0;
    for (;;) {
      const fh = await open(this.path, 'r').catch(() => undefined);
      if (fh) {
        try {
          for (;;) {
            const { bytesRead } = await fh.read(buf, 0, CHUNK, offset);
            if (!bytesRead) break;
            offset += bytesRead;
            for (let i = buf.indexOf(10); i >= 0 && i < bytesRead; i = buf.indexOf(10, i + 1)) count++;
          }
        } finally {
          await fh.close();
        }
      }
      const now = performance.now();
      if (count && !first) first = now;
      if (count >= lines) return { seconds: (now - first) / 1000 };
      if (Date.now() > end) throw new Error(`the receiver got ${count} of ${lines} lines in ${limitMs / 1000} s`);
      await sleep(50);
    }
  }

  /** Every seq 1..lines must be in the file once: how many are not (lost), and how many are there twice. */
  async verify(lines: number): Promise<{ lost: number; duplicated: number }> {
    const seen = new Uint8Array(lines + 1);
    let duplicated = 0,
      rest = '';
    const fh = await open(this.path, 'r');
    try {
      const buf = Buffer.alloc(CHUNK);
      for (let offset = 0; ; ) {
        const { bytesRead } = await fh.read(buf, 0, CHUNK, offset);
        if (!bytesRead) break;
        offset += bytesRead;
        const text = rest + buf.toString('latin1', 0, bytesRead);
        const cut = text.lastIndexOf('\n');
        rest = text.slice(cut + 1);
        for (const line of text.slice(0, cut).split('\n')) {
          const seq = Number(SEQ.exec(line)?.[1] ?? 0);
          if (seq < 1 || seq > lines) continue;
          if (seen[seq]) duplicated++;
          seen[seq] = 1;
        }
      }
    } finally {
      await fh.close();
    }
    let found = 0;
    for (let i = 1; i <= lines; i++) found += seen[i]!;
    return { lost: lines - found, duplicated };
  }
}
