'use strict';
// site-node: a plain Node web server for the PaaS stack. It serves the tree that git-sync
// publishes at /srv/site/current, and runs under nodemon, which restarts it when that link flips.
//
// One process serves one revision: the link is resolved once, at start, and everything this
// process answers (files, and the routes in the tree's app.js) comes from that tree. Pages may
// link revision-pinned URLs, /r/<sha>/<path>, so a page and the files it names always come from
// the same revision, even across a flip; a retired tree stays for git-sync's grace period.
const fs = require('fs');
const http = require('http');
const net = require('net');
const path = require('path');

const SITE = process.env.SITE_DIR || '/srv/site';
const LINK = path.join(SITE, process.env.SITE_LINK || 'current');
const TREES = path.join(SITE, 'worktrees');
const SHA = /^[0-9a-f]{40}$/;
const MAX_REQUEST_MS = 10000; // git-sync's grace period must be longer than this
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.txt': 'text/plain; charset=utf-8', '.json': 'application/json',
  '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon',
};

const root = fs.realpathSync(LINK);
const revision = path.basename(root);
if (!SHA.test(revision) || path.dirname(root) !== fs.realpathSync(TREES)) {
  throw new Error(`${LINK} points at ${root}, not at ${TREES}/<sha>`);
}
process.chdir(root); // while this process runs, git-sync sees its cwd in this tree and keeps it
const appFile = path.join(root, 'app.js');
const routes = fs.existsSync(appFile) ? require(appFile) : {};
const site = { revision, root, startedAt: new Date().toISOString() };

/** URL path -> decoded segments; null when it names anything hidden. Throws on bad encoding. */
function segments(rawPath) {
  const out = [];
  for (const part of rawPath.split('/')) {
    if (part === '') continue;
    const seg = decodeURIComponent(part);
    // Dot segments (., .., .git, .repo, .staging ...) and anything that smuggles a separator.
    if (seg.startsWith('.') || /[/\\\0]/.test(seg)) return null;
    out.push(seg);
  }
  return out;
}

function send(res, status, text, type = 'text/plain; charset=utf-8') {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function serveFile(req, res, tree, rev, parts) {
  let file = path.join(tree, ...parts);
  let real;
  try {
    real = fs.realpathSync(file);
    if (fs.statSync(real).isDirectory()) real = fs.realpathSync((file = path.join(file, 'index.html')));
  } catch {
    return send(res, 404, 'not found\n');
  }
  // A committed symlink must not lead out of its tree (into .repo, another tree, or /etc).
  if (!real.startsWith(`${tree}/`) || real.split('/').some((s) => s.startsWith('.'))) return send(res, 404, 'not found\n');
  const type = TYPES[path.extname(real)] || 'application/octet-stream';
  res.setHeader('x-revision', rev);
  if (path.extname(real) === '.html') {
    const html = fs.readFileSync(real, 'utf8').replaceAll('{{revision}}', rev);
    return send(res, 200, req.method === 'HEAD' ? '' : html, type);
  }
  const stream = fs.createReadStream(real); // the open file keeps the tree in use for git-sync's collector
  stream.once('error', () => res.destroy());
  stream.once('open', (fd) => {
    res.writeHead(200, { 'content-type': type, 'content-length': fs.fstatSync(fd).size });
    if (req.method === 'HEAD') { stream.destroy(); res.end(); } else stream.pipe(res);
  });
}

let closing = false;
const server = http.createServer((req, res) => {
  res.setHeader('x-revision', revision);
  res.setTimeout(MAX_REQUEST_MS, () => res.destroy());
  if (closing) res.setHeader('connection', 'close');
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed\n');
  const rawPath = (req.url || '/').split('?')[0];
  if (rawPath === '/healthz') return send(res, 200, 'ok\n');
  if (typeof routes[rawPath] === 'function') return routes[rawPath](req, res, site);
  let parts;
  try { parts = segments(rawPath); } catch { return send(res, 400, 'bad request: malformed path\n'); }
  if (!parts) return send(res, 404, 'not found\n');
  if (parts[0] === 'r' && SHA.test(parts[1] || '')) {
    let tree;
    try { tree = fs.realpathSync(path.join(TREES, parts[1])); } catch { return send(res, 404, `revision ${parts[1]} is not published (any more)\n`); }
    return serveFile(req, res, tree, parts[1], parts.slice(2));
  }
  return serveFile(req, res, root, revision, parts);
});
server.requestTimeout = MAX_REQUEST_MS;
server.headersTimeout = 5000;

// nodemon's restart signal. Stop accepting at once (the successor accepts from the same socket),
// answer what is already here with Connection: close, then close idle keep-alive connections.
// net.Server's close is used on purpose: http.Server's would also drop connections accepted a
// moment ago whose request is still on its way.
function shutdown(signal) {
  if (closing) return;
  closing = true;
  console.log(`site-node: ${signal}: revision ${revision.slice(0, 12)} stops accepting (pid ${process.pid})`);
  net.Server.prototype.close.call(server, () => process.exit(0));
  setTimeout(() => server.closeIdleConnections(), 300);
  setTimeout(() => process.exit(0), 5000).unref();
}
for (const s of ['SIGTERM', 'SIGINT', 'SIGUSR2']) process.on(s, () => shutdown(s));

const listenFd = process.env.LISTEN_FD;
const where = listenFd !== undefined ? { fd: Number(listenFd) } : { port: Number(process.env.PORT || 8080), host: process.env.HOST || '0.0.0.0' };
server.listen(where, () => console.log(`site-node: serving revision ${revision} (pid ${process.pid}, ${listenFd !== undefined ? `inherited socket fd ${listenFd}` : `port ${where.port}`})`));
