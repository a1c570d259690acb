// The config-sync sidecar's parameter table: its whole configuration API, in one place.
import { defineSpec } from '../../lib/run.js';
import { dir, duration, file, oneOf, string, url } from '../../lib/params.js';

export const spec = defineSpec({
  // Its app must not start before a valid config file is on disk: the image's health check is readiness.
  health: 'ready',
  name: 'config-sync',
  prefix: 'CONFIG_SYNC',
  summary:
    'watches a key in etcd, validates each new value, writes it atomically into a directory shared with the app and makes the app reload it.',
  adminPort: 9902,
  params: {
    etcdUrl: url({
      default: 'http://etcd:2379',
      schemes: ['http', 'https'],
      origin: true,
      description: 'Client URL of etcd. config-sync speaks its v3 HTTP/JSON gateway (/v3/kv/range, /v3/watch), streaming, never polling.',
    }),
    key: string({
      required: true,
      pattern: /^\S+$/,
      rule: 'a key without spaces',
      description: 'The etcd key whose value is the configuration.',
    }),
    dir: dir({
      default: '/config',
      writable: true,
      description: 'Shared directory the configuration is written into (mounted by the app too). A directory, never a single file.',
    }),
    file: string({
      default: 'config.json',
      pattern: /^(?!\.\.)(?!\.$)[^/\0]+$/,
      rule: 'a file name (no /, not . and not starting with ..)',
      description: 'Name of the configuration file inside --dir.',
    }),
    writeMode: oneOf(['rename', 'symlink'] as const, {
      default: 'rename',
      description:
        'rename: write a temp file in --dir, then rename it over the file. symlink: Kubernetes-style: a new ..<time> directory, then an atomic swap of the ..data symlink (the file is a link into ..data).',
    }),
    format: oneOf(['json', 'text'] as const, {
      default: 'json',
      description: 'json: a value must parse as JSON before anything else is checked. text: any bytes (use --validate-command).',
    }),
    schema: file({
      description:
        'JSON Schema file (draft-07, checked by ajv in strict mode: an unknown keyword stops config-sync at start) every value must match. Needs --format json.',
    }),
    validateCommand: string({
      description:
        'Shell command that judges a value: it gets the value on stdin; exit 0 accepts it, anything else rejects it (its last stderr line says why).',
    }),
    validateTimeout: duration({
      default: '5s',
      min: '100ms',
      max: '5m',
      description: 'A --validate-command still running after this is killed and the value rejected.',
    }),
    reload: oneOf(['signal', 'http', 'restart', 'none'] as const, {
      required: true,
      description:
        'How the app learns of a new file. signal: send --reload-signal to the app process (--process). http: POST --reload-url. restart: SIGTERM the app process so its restart policy starts it again on the new file. none: only write.',
    }),
    process: string({
      description:
        'Name of the app process (signal, restart): its command name, or the file name of its program or script (config-hup.js matches node /opt/app/config-hup.js). Exactly one process in the shared PID namespace must match.',
    }),
    reloadSignal: oneOf(['SIGHUP', 'SIGUSR1', 'SIGUSR2'] as const, {
      default: 'SIGHUP',
      description:
        'Signal that tells the app to re-read its file (reload signal). Sent only when the app handles it: it would kill an app that does not.',
    }),
    reloadUrl: url({
      schemes: ['http', 'https'],
      description: 'URL that is POSTed to after each write (reload http); a 2xx answer means the app reloaded.',
    }),
    restartGrace: duration({
      default: '10s',
      min: '100ms',
      max: '5m',
      description: 'reload restart: how long the app has to exit after SIGTERM before it gets SIGKILL.',
    }),
    minApplyInterval: duration({
      default: '1s',
      max: '10m',
      description:
        'Least time between two applies (write + reload). A change after a quiet spell is applied at once; changes that come sooner are coalesced and only the newest is applied when the interval is over. Bounds reloads to one per interval, never delays a lone change.',
    }),
    requestTimeout: duration({
      default: '5s',
      min: '100ms',
      max: '5m',
      description: 'Time limit of one etcd range request and of one reload-url call.',
    }),
    watchRetryMax: duration({
      default: '5s',
      min: '100ms',
      max: '5m',
      description:
        'Longest wait between two attempts to re-open a lost watch (the wait starts at 100 ms and doubles). A re-opened watch resumes after the last revision seen.',
    }),
    watchIdleTimeout: duration({
      default: '1m',
      min: '1s',
      max: '1h',
      description:
        "A watch stream that carries nothing (not even etcd's progress notifications) for this long is treated as lost and re-opened.",
    }),
  },
});

/** The table alone, common parameters included: what start() is typed against. */
export const params = spec.params;
