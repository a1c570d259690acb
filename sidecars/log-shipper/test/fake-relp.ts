// A fake of rsyslog's imrelp for tests: answers open with 200 and its offers, acks every syslog with
// "200 OK" and records it, answers close and hangs up. Acks are held for a moment and written together,
// so a client that keeps sending without reading acks shows up in maxInFlight. At the k-th message it
// can instead refuse it, stop answering or reading, hang up (also mid-frame), send garbage, or send the
// serverclose hint (see Trouble). It reads the client's frames with its own strict reader (not the
// client's parser) and notes every deviation.
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { until } from '../../lib/test-support/wait.js';

/** What the receiver does instead of acknowledging: refuse (an rsp code other than 200), write garbage,
 * hang (read on, answer nothing), stall (stop reading too, so TCP backs up), drop (hang up), cut (hang
 * up in the middle of the ack frame), or send the serverclose hint. */
export type Trouble = { refuse: string } | { garbage: Buffer } | 'hang' | 'stall' | 'drop' | 'cut' | 'serverclose';

interface Conn {
  sock: Socket;
  buf: Buffer;
  expect: number; // next txnr, 0 before open
  received: number; // syslog frames on this connection
  answered: number; // acks written on this connection
  held: string[];
  flush: NodeJS.Timeout | undefined;
  silent: boolean;
}

const FRAME = /^([0-9]{1,9}) ([a-z]{1,32}) ([0-9]{1,9})([ \n])/;

export class FakeRelp {
  /** Data of every syslog frame received, in order. */
  readonly messages: Buffer[] = [];
  /** txnr of every command received, in order, across connections. */
  readonly txnrs: number[] = [];
  readonly commands: string[] = [];
  /** What the client offered in each open. */
  readonly offers: string[] = [];
  /** Frames that broke the grammar or the txnr sequence. */
  readonly violations: string[] = [];
  /** Most syslog frames received and not yet answered on a connection, at any time. */
  maxInFlight = 0;
  /** How long acks are held before being written together. */
  holdMs = 2;
  /** Answer acks of one flush in reverse order. */
  reverse = false;
  /** Answer to open ('' for none); the default is what imrelp says. */
  openAnswer = '200 OK\nrelp_version=0\nrelp_software=fake-imrelp,1.0\ncommands=syslog';
  /** Whether close is answered (and the connection ended). */
  answerClose = true;
  /** What to do instead of acking the k-th syslog frame (counted from 1, across connections). */
  trouble: { at: number; what: Trouble } | undefined;
  port = 0;
  private server: Server | undefined;
  private readonly conns = new Set<Conn>();

  async start(): Promise<this> {
    this.server = createServer((sock) => this.accept(sock));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Cuts every connection and stops listening. */
  async stop(): Promise<void> {
    for (const c of this.conns) this.hangUp(c, true);
    await new Promise((r) => this.server?.close(r));
  }

  /** Resolves once the server has received this many syslog frames. */
  async received(n: number): Promise<void> {
    await until(`${n} syslog frames`, () => this.messages.length >= n, 5000, 1);
  }

  private accept(sock: Socket): void {
    const c: Conn = { sock, buf: Buffer.alloc(0), expect: 0, received: 0, answered: 0, held: [], flush: undefined, silent: false };
    this.conns.add(c);
    sock.on('error', () => {});
    sock.on('close', () => {
      clearTimeout(c.flush);
      this.conns.delete(c);
    });
    sock.on('data', (chunk: Buffer) => {
      c.buf = c.buf.length ? Buffer.concat([c.buf, chunk]) : chunk;
      this.read(c);
    });
  }

  private read(c: Conn): void {
    let pos = 0;
    while (!c.silent && !c.sock.destroyed) {
      const start = c.buf.toString('latin1', pos, pos + 54); // the longest header, and its separator
      const head = FRAME.exec(start);
      if (!head) {
        // What a header can start with, unfinished; anything else is a violation.
        if (start.length === 54 || /[^0-9a-z ]/.test(start)) this.violation(c, `bad header ${JSON.stringify(start)}`);
        break;
      }
      const [all, t, command, l, sep] = head as unknown as [string, string, string, string, string];
      const len = Number(l);
      const data = pos + all.length;
      const end = len ? data + len : data - 1;
      if ((len === 0) !== (sep === '\n')) this.violation(c, `DATALEN ${len} followed by ${JSON.stringify(sep)}`);
      if (c.buf.length < end + 1) break;
      if (c.buf[end] !== 0x0a) this.violation(c, `no LF after the ${len} bytes of txnr ${t}`);
      pos = end + 1;
      this.command(c, Number(t), command, Buffer.from(c.buf.subarray(data, data + len)));
    }
    c.buf = c.buf.subarray(pos);
  }

  private command(c: Conn, txnr: number, command: string, data: Buffer): void {
    if (c.expect && txnr !== c.expect) this.violations.push(`txnr ${txnr} where ${c.expect} was due`);
    c.expect = txnr >= 999_999_999 ? 1 : txnr + 1;
    this.txnrs.push(txnr);
    this.commands.push(command);
    if (command === 'open') {
      this.offers.push(data.toString('latin1'));
      if (this.openAnswer) c.sock.write(frame(txnr, this.openAnswer));
    } else if (command === 'close') {
      if (this.answerClose) c.sock.end(`${txnr} rsp 0\n`);
    } else if (command === 'syslog') {
      this.messages.push(data);
      c.received++;
      this.maxInFlight = Math.max(this.maxInFlight, c.received - c.answered);
      const what = this.trouble?.at === this.messages.length ? this.trouble.what : undefined;
      if (what === undefined) this.hold(c, frame(txnr, '200 OK'));
      else this.misbehave(c, txnr, what);
    } else this.violation(c, `unknown command ${command}`);
  }

  private misbehave(c: Conn, txnr: number, what: Trouble): void {
    this.flush(c);
    if (what === 'hang') c.silent = true;
    else if (what === 'stall') {
      c.silent = true;
      c.sock.pause();
    } else if (what === 'drop') this.hangUp(c, false);
    else if (what === 'cut') {
      const ack = frame(txnr, '200 OK');
      c.sock.write(ack.slice(0, ack.length >> 1));
      this.hangUp(c, false);
    } else if (what === 'serverclose') {
      c.sock.write('0 serverclose 0\n');
      c.silent = true;
    } else if ('refuse' in what) c.sock.write(frame(txnr, what.refuse));
    else c.sock.write(what.garbage);
  }

  private hold(c: Conn, ack: string): void {
    c.held.push(ack);
    c.flush ??= setTimeout(() => this.flush(c), this.holdMs);
  }

  private flush(c: Conn): void {
    clearTimeout(c.flush);
    c.flush = undefined;
    if (!c.held.length || c.sock.destroyed) return;
    if (this.reverse) c.held.reverse();
    c.answered += c.held.length;
    c.sock.write(c.held.join(''));
    c.held = [];
  }

  private violation(c: Conn, what: string): void {
    this.violations.push(what);
    this.hangUp(c, true);
  }

  private hangUp(c: Conn, now: boolean): void {
    c.silent = true;
    clearTimeout(c.flush);
    if (now) c.sock.destroy();
    else c.sock.end();
  }
}

const frame = (txnr: number, data: string) => `${txnr} rsp ${Buffer.byteLength(data)} ${data}\n`;
