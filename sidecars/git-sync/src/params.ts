// git-sync's parameter table: its whole configuration API, in one place.
import { defineSpec } from '../../lib/run.js';
import { dir, duration, int, port, secret, string } from '../../lib/params.js';
import { repoUrl } from './repo-url.js';

export const spec = defineSpec({
  name: 'git-sync',
  prefix: 'GIT_SYNC',
  summary: 'keeps a directory published from a git branch: one worktree per revision, atomically flipped symlink, webhook and polling.',
  adminPort: 9903,
  params: {
    repo: repoUrl({
      description:
        'Repository to sync, e.g. git://git-server/site.git, ssh://git@host/o/r.git or git@host:o/r.git. Credentials in the URL are refused (they would show in process command lines): a password anywhere, and any user name or token in an http(s), git or file URL.',
    }),
    ref: string({
      default: 'main',
      pattern: /^(?!-)(?!.*\.\.)[A-Za-z0-9._/-]+$/,
      rule: 'a branch or tag name',
      description: 'Branch or tag whose head is published.',
    }),
    root: dir({
      default: '/srv/site',
      writable: true,
      description: 'Shared directory: holds the bare repository (.repo), one tree per revision (worktrees/<sha>) and the published link.',
    }),
    link: string({
      default: 'current',
      pattern: /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/,
      rule: 'a file name (no slash, not starting with a dot)',
      description: 'Name of the symlink in root that always points at a complete tree: worktrees/<40-hex sha>.',
    }),
    period: duration({
      default: '10s',
      min: '200ms',
      max: '24h',
      description: 'Polling period: how often the remote head is checked, besides webhooks and SIGHUP.',
    }),
    depth: int({ default: 1, min: 0, max: 1000000, description: 'Fetch depth (0: full history).' }),
    syncTimeout: duration({
      default: '60s',
      min: '1s',
      max: '1h',
      description: 'A git command or check that runs longer is killed and the sync counts as failed.',
    }),
    checkCommand: string({
      default: '',
      empty: true,
      description:
        'Pre-publish check, run by sh -c inside the new tree before it is published, e.g. "node --check app.js". A non-zero exit rejects the revision. Empty: no check.',
    }),
    maxFailures: int({
      default: 10,
      min: 0,
      max: 1000000,
      description: 'Failure budget: consecutive failed syncs tolerated (the last good tree stays published). One more exits with code 1.',
    }),
    gcGrace: duration({
      default: '60s',
      min: '0s',
      max: '24h',
      description:
        "A tree that stopped being current is removed once no process in the pod has a file or its cwd inside it, and this long after the flip and after a process was last seen using it. Must exceed the app's longest request.",
    }),
    adoptTimeout: duration({
      default: '0s',
      min: '0s',
      max: '10m',
      description:
        'Before publishing the next revision, wait up to this long after the last flip for a process in the pod to take it up (its cwd or an open file in the tree). Keeps an app that restarts on each flip from being restarted again while it starts. 0s: publish at once.',
    }),
    webhookPort: port({
      default: 9002,
      listens: true,
      description: 'Port of the webhook listener (POST, HMAC-SHA256 signed). Only started when a webhook secret is set.',
    }),
    webhookAddress: string({ default: '0.0.0.0', description: 'Address the webhook listener binds.' }),
    webhookTimeout: duration({
      default: '10s',
      min: '100ms',
      max: '10m',
      description:
        "A webhook request's head, and then its body, must each arrive within this long; a slower one gets 408 and its connection is closed.",
    }),
    webhookPath: string({
      default: '/webhook',
      pattern: /^\/[A-Za-z0-9._/-]*$/,
      rule: 'a URL path',
      description: 'Path the webhook is POSTed to.',
    }),
    webhookSecret: secret({
      description: 'HMAC-SHA256 key for X-Hub-Signature-256 (GitHub style). Unset: no webhook listener, polling only.',
    }),
  },
});

/** The table alone, common parameters included: what start() is typed against. */
export const params = spec.params;
