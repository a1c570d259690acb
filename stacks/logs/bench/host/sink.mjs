// The receiver of npm run bench:logs-floor, on Bun: run as `bun sink.mjs PORT [RECORDS]`. With RECORDS, a RELP
// server that answers open, acknowledges every syslog frame at once and answers close, and prints
// {"records","seconds"} (from the first frame to the RECORDS-th) when RECORDS frames have come; without, it
// reads and drops every byte (the floor's socket). It checks nothing: rsyslog's imrelp is the strict one, in bench:logs.
const port = Number(process.argv[2]);
const want = process.argv[3] === undefined ? undefined : Number(process.argv[3]);
const OPEN = '200 OK\nrelp_version=0\ncommands=syslog';
let records = 0;
let t0 = 0;

/** The RELP frames complete in buf ("TXNR COMMAND LEN[ DATA]\n"): the answers, and where the rest begins. */
function frames(buf) {
  let pos = 0;
  let out = '';
  for (;;) {
    const sp1 = buf.indexOf(32, pos);
    const sp2 = sp1 < 0 ? -1 : buf.indexOf(32, sp1 + 1);
    if (sp2 < 0) break;
    let i = sp2 + 1;
    let len = 0;
    for (; i < buf.length && buf[i] >= 48 && buf[i] <= 57; i++) len = len * 10 + buf[i] - 48;
    const end = len ? i + 1 + len : i;
    if (i >= buf.length || end >= buf.length) break;
    const txnr = buf.toString('latin1', pos, sp1);
    const command = buf.toString('latin1', sp1 + 1, sp2);
    if (command === 'open') out += `${txnr} rsp ${OPEN.length} ${OPEN}\n`;
    else if (command === 'syslog') {
      if (!t0) t0 = performance.now();
      out += `${txnr} rsp 6 200 OK\n`;
      records++;
    } else if (command === 'close') out += `${txnr} rsp 0\n`;
    pos = end + 1;
  }
  return { out, rest: pos };
}

Bun.listen({
  hostname: '127.0.0.1',
  port,
  socket: {
    open(s) {
      s.data = Buffer.alloc(0);
    },
    data(s, chunk) {
      if (want === undefined) return;
      const buf = s.data.length ? Buffer.concat([s.data, chunk]) : Buffer.from(chunk);
      const { out, rest } = frames(buf);
      s.data = buf.subarray(rest);
      if (out) s.write(out);
      if (records >= want && t0 > 0) {
        console.log(JSON.stringify({ records, seconds: (performance.now() - t0) / 1000 }));
        t0 = -1;
      }
    },
  },
});
console.log(JSON.stringify({ listening: port }));
process.on('SIGTERM', () => process.exit(0));
