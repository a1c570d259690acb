#!/usr/bin/env node
// A legacy app that reads a JSON config file at start and again on SIGHUP (plain Node, no dependencies).
// Like many real ones it trusts its file: a config it cannot parse on SIGHUP takes it down (exit 1,
// and it reads the same broken file when it is started again). config-sync's validation is what
// keeps that from happening.
//   GET /          JSON: version and greeting from the config, reloads so far, pid, start time, sha256
//   GET /version   the config's "version", as text
//   GET /healthz   "ok"
//   POST /-/reload re-read the file (200, or 500 keeping the old config), for reload by HTTP
'use strict';
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { createServer } = require('node:http');

const BIND = process.env.BIND || '0.0.0.0';
const PORT = Number(process.env.PORT || 8080);
const CONFIG = process.env.CONFIG_FILE || '/config/config.json';
const STARTED = Date.now() / 1000;
const log = (msg, fields = {}) => console.log(JSON.stringify({ ts: new Date().toISOString(), app: 'config-hup', msg, ...fields }));

const state = { config: {}, raw: Buffer.alloc(0), reloads: 0, loadedAt: null };

function load() {
  const raw = readFileSync(CONFIG);
  const config = JSON.parse(raw.toString('utf8'));
  if (config === null || typeof config !== 'object' || Array.isArray(config)) throw new Error('the config is not a JSON object');
  Object.assign(state, { config, raw, loadedAt: Date.now() / 1000 });
  return config;
}

// The handler goes in first: a SIGHUP that came before it would kill the app.
process.on('SIGHUP', () => {
  let config;
  try {
    config = load();
  } catch (e) { // the legacy way: no validation, no fallback
    log('cannot load config on SIGHUP; exiting', { error: e.message });
    process.exit(1);
  }
  state.reloads++;
  log('config reloaded on SIGHUP', { version: config.version ?? null, reloads: state.reloads });
});
process.on('SIGTERM', () => process.exit(0));

let first;
try {
  first = load();
} catch (e) {
  log('cannot load config at start', { file: CONFIG, error: e.message });
  process.exit(1);
}

const server = createServer((req, res) => {
  const send = (status, body, type = 'application/json') => res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) }).end(body);
  const { config, raw } = state;
  if (req.method === 'POST' && req.url === '/-/reload') {
    try {
      const c = load();
      state.reloads++;
      log('config reloaded on POST /-/reload', { version: c.version ?? null, reloads: state.reloads });
      return send(200, `reloaded ${c.version}\n`, 'text/plain');
    } catch (e) {
      return send(500, `reload failed, keeping the old config: ${e.message}\n`, 'text/plain');
    }
  }
  if (req.url === '/healthz') return send(200, 'ok\n', 'text/plain');
  if (req.url === '/version') return send(200, `${config.version ?? ''}\n`, 'text/plain');
  send(200, `${JSON.stringify({
    app: 'config-hup', version: config.version ?? null, greeting: config.greeting ?? null, reloads: state.reloads,
    pid: process.pid, started_at: STARTED, loaded_at: state.loadedAt, bytes: raw.length, sha256: createHash('sha256').update(raw).digest('hex'),
  })}\n`);
});
server.keepAliveTimeout = 1000;
server.listen(PORT, BIND, () => log('listening', { url: `http://${BIND}:${PORT}`, version: first.version ?? null }));
