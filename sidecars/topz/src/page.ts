// The HTML page: a shell with no process data in it, a stylesheet and a script that fetches
// /api/processes every few seconds and renders a sortable table. Process names are untrusted
// text, so the script only ever sets textContent; the CSP forbids inline script anyway.
export const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function pageHtml(refreshMs: number): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>topz</title>
<link rel="stylesheet" href="topz.css">
<link rel="icon" href="favicon.svg">
</head>
<body data-refresh-ms="${Math.round(refreshMs)}">
<header><h1>topz</h1><span id="status">loading…</span></header>
<div id="warnings" hidden></div>
<table id="procs"><thead><tr></tr></thead><tbody></tbody></table>
<footer>Processes of this pod’s PID namespace. Click a column to sort. JSON: <a href="api/processes">api/processes</a> · schema: <a href="api/schema">api/schema</a></footer>
<script src="topz.js"></script>
</body>
</html>
`;
}

export const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#0969da"/><path d="M3 12h2V7H3zm4 0h2V4H7zm4 0h2V9h-2z" fill="#fff"/></svg>';

export const PAGE_CSS = `body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1b1f24; background: #fff; }
header { display: flex; gap: 1rem; align-items: baseline; }
h1 { font-size: 1.4rem; margin: 0 0 .8rem; }
#status { color: #57606a; }
#warnings { background: #ffebe9; border: 1px solid #cf222e; color: #82071e; padding: .5rem .8rem; margin-bottom: .8rem; font-weight: 600; }
table { border-collapse: collapse; width: 100%; }
th, td { padding: .25rem .6rem; border-bottom: 1px solid #d0d7de; text-align: left; white-space: nowrap; }
th { cursor: pointer; user-select: none; background: #f6f8fa; }
th[aria-sort=ascending]::after { content: " ▲"; }
th[aria-sort=descending]::after { content: " ▼"; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.spark { font-family: monospace; color: #0969da; letter-spacing: -1px; }
tr.hot td { background: #fff8c5; }
footer { margin-top: 1rem; color: #57606a; font-size: 12px; }
`;

export const PAGE_JS = `(() => {
  'use strict';
  const refreshMs = Number(document.body.dataset.refreshMs) || 2000;
  // A token may arrive as #token=..., never sent to the server in a URL; it is kept for this tab only.
  const m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (m) { sessionStorage.setItem('topz-token', decodeURIComponent(m[1])); history.replaceState(null, '', location.pathname + location.search); }
  const token = sessionStorage.getItem('topz-token');
  const cols = [
    ['pid', 'PID', 'num'], ['ppid', 'PPID', 'num'], ['name', 'Name', 'str'], ['state', 'State', 'str'],
    ['cpuPercent', 'CPU %', 'num'], ['cpuHistory', 'CPU history', null], ['rssBytes', 'RSS', 'num'],
    ['threads', 'Threads', 'num'], ['startTime', 'Started', 'str'], ['user', 'User', 'str'],
  ];
  let sort = JSON.parse(sessionStorage.getItem('topz-sort') || 'null') || { key: 'pid', dir: 1 };
  let rows = [];
  const $ = (sel) => document.querySelector(sel);
  const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; };
  const SPARK = '▁▂▃▄▅▆▇█';
  const spark = (h) => h.map((v) => SPARK[Math.min(7, Math.floor(v / 12.5))]).join('');
  const bytes = (n) => n >= 1 << 30 ? (n / (1 << 30)).toFixed(1) + ' GiB' : n >= 1 << 20 ? (n / (1 << 20)).toFixed(1) + ' MiB' : (n / 1024).toFixed(0) + ' KiB';
  const cell = (p, key) => {
    const v = p[key];
    if (key === 'cpuPercent') return v === null ? '…' : v.toFixed(1);
    if (key === 'cpuHistory') return spark(v);
    if (key === 'rssBytes') return bytes(v);
    if (key === 'startTime') return new Date(v).toLocaleTimeString();
    return String(v);
  };
  function head() {
    const tr = $('#procs thead tr');
    tr.replaceChildren(...cols.map(([key, label, type]) => {
      const th = el('th', label);
      th.dataset.key = key;
      if (sort.key === key) th.setAttribute('aria-sort', sort.dir > 0 ? 'ascending' : 'descending');
      if (type) th.addEventListener('click', () => {
        sort = sort.key === key ? { key, dir: -sort.dir } : { key, dir: type === 'num' ? -1 : 1 };
        sessionStorage.setItem('topz-sort', JSON.stringify(sort));
        head(); body();
      });
      return th;
    }));
  }
  function body() {
    const k = sort.key;
    const sorted = [...rows].sort((a, b) => {
      const x = a[k] ?? -1, y = b[k] ?? -1;
      return (x < y ? -1 : x > y ? 1 : a.pid - b.pid) * sort.dir;
    });
    $('#procs tbody').replaceChildren(...sorted.map((p) => {
      const tr = el('tr', undefined, p.cpuPercent >= 50 ? 'hot' : '');
      tr.dataset.pid = p.pid;
      for (const [key, , type] of cols) tr.append(el('td', cell(p, key), key === 'cpuHistory' ? 'spark' : type === 'num' ? 'num' : ''));
      return tr;
    }));
  }
  async function refresh() {
    try {
      const r = await fetch('api/processes', { headers: token ? { authorization: 'Bearer ' + token } : {}, cache: 'no-store' });
      if (r.status === 401) { $('#status').textContent = 'this topz needs a token: open the page as …/#token=YOUR_TOKEN'; return; }
      if (!r.ok) throw new Error('HTTP ' + r.status);
      const s = await r.json();
      rows = s.processes;
      body();
      const trunc = s.truncated ? ' · truncated (' + s.truncated + ')' : '';
      $('#status').textContent = rows.length + ' processes · scanned in ' + s.scanMs.toFixed(1) + ' ms at ' + new Date(s.scannedAt).toLocaleTimeString() + trunc;
      $('#status').dataset.scannedAt = s.scannedAt;
      const w = $('#warnings');
      w.hidden = s.warnings.length === 0;
      w.textContent = s.warnings.join('\\n');
    } catch (e) {
      $('#status').textContent = 'refresh failed: ' + e.message;
    } finally {
      setTimeout(refresh, refreshMs);
    }
  }
  head();
  refresh();
})();
`;
