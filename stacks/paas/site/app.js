// The site's own code: routes that site-node loads from the published tree when it starts.
// git-sync runs `bun build --no-bundle app.js` before publishing a revision, so a syntax error here never
// goes live (try it: see the "break it" exercise in ../README.md).
module.exports = {
  '/api/info': (_req, res, site) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ revision: site.revision, startedAt: site.startedAt, pid: process.pid }));
  },
};
