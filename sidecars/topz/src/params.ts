// topz's parameter table: its whole configuration API, in one place.
import { defineSpec } from '../../lib/run.js';
import { bool, dir, duration, int, port, secret, string } from '../../lib/params.js';

export const spec = defineSpec({
  name: 'topz',
  prefix: 'TOPZ',
  summary: 'lists the processes of the pod it shares a PID namespace with, as JSON, Prometheus metrics and a live HTML table.',
  // Told apart from other node processes in the list it serves.
  processTitle: 'topz',
  adminPort: 9701,
  params: {
    listenPort: port({ default: 9700, listens: true, description: 'Port that serves the process list (/, /api/processes, /metrics).' }),
    listenAddress: string({
      default: '127.0.0.1',
      description:
        'Address that serves the process list. The default, the pod loopback, keeps it to the pod; any other address needs a token (or --unsafe-no-auth).',
    }),
    token: secret({
      minLength: 32,
      description: 'Bearer token that /api/processes and /metrics require (Authorization: Bearer ...). Reloaded from its file on SIGHUP.',
    }),
    unsafeNoAuth: bool({
      default: false,
      description: 'Serve a non-loopback address without a token: anyone who reaches the port reads the process list.',
    }),
    showCmdline: bool({ default: false, description: 'Include each command line, with the values of secret-looking arguments redacted.' }),
    showEnviron: bool({
      default: false,
      description: 'Include each readable environment, with the values of secret-looking variables redacted.',
    }),
    redactWords: string({
      default: '',
      empty: true,
      pattern: /^[A-Za-z0-9_,-]*$/,
      rule: 'comma-separated words',
      description:
        'More words that make an argument or variable name secret-looking, besides the built-in ones (pass, secret, token, key, auth, ...).',
    }),
    maxProcesses: int({
      default: 2000,
      min: 1,
      max: 100000,
      description: 'Most processes one scan reads; the response says truncated when there were more.',
    }),
    scanTimeout: duration({
      default: '1s',
      min: '10ms',
      max: '30s',
      description: 'Longest time one scan may take; the response says truncated when it stopped early.',
    }),
    sampleInterval: duration({
      default: '2s',
      min: '250ms',
      max: '1m',
      description: 'How often topz scans on its own, so CPU % always has a recent baseline and a history.',
    }),
    historyLength: int({ default: 30, min: 0, max: 300, description: 'CPU samples kept per process for the page’s history column.' }),
    pageRefresh: duration({ default: '2s', min: '500ms', max: '1m', description: 'How often the HTML page fetches a new process list.' }),
    procRoot: dir({
      default: '/proc',
      description: 'Where the proc file system is mounted. Inside a pod, /proc shows the pod’s PID namespace.',
    }),
  },
});

/** The table alone, common parameters included: what start() is typed against. */
export const params = spec.params;
