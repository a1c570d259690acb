// The log-shipper sidecar's parameter table: its whole configuration API, in one place.
import { defineSpec } from '../../lib/run.js';
import { bool, dir, duration, int, type Param, port, RuleError, string } from '../../lib/params.js';
import { globList } from './glob.js';

/** A regular expression (JavaScript syntax), checked when the sidecar starts. Empty: none. */
function regex(o: { description: string }): Param<string> {
  return {
    kind: 'string',
    description: o.description,
    default: '',
    rule: 'a regular expression, or empty',
    parse(raw) {
      try {
        new RegExp(raw);
      } catch (e) {
        throw new RuleError(`${JSON.stringify(raw)} is not a regular expression (${(e as Error).message})`);
      }
      return raw;
    },
    show: String,
  };
}

/** Comma-separated file-name globs: none of them empty (",", "a,,b" and "a," name nothing) and none
 * with a slash. With `empty: true` the whole list may be empty: no globs at all. */
function globs(o: { default: string; empty?: boolean; description: string }): Param<string> {
  return {
    kind: 'string',
    description: o.description,
    default: o.default,
    rule: `comma-separated file-name globs (no /, none empty)${o.empty ? ', or empty' : ''}`,
    parse(raw) {
      if (o.empty && raw.trim() === '') return '';
      for (const g of globList(raw)) {
        if (!g) throw new RuleError(`${JSON.stringify(raw)} has an empty pattern`);
        if (/[/\0]/.test(g)) throw new RuleError(`${JSON.stringify(g)} is not a file-name glob (it has a / or a NUL)`);
      }
      return raw;
    },
    show: String,
  };
}

export const spec = defineSpec({
  // The app must not start writing before the registry is loaded and the directory listed.
  health: 'ready',
  name: 'log-shipper',
  prefix: 'LOG_SHIPPER',
  processTitle: 'log-shipper',
  summary:
    'tails the log files an app writes into a shared directory and ships every record to rsyslog over RELP, at least once, moving its registry only after the receiver has acknowledged.',
  adminPort: 9904,
  params: {
    dir: dir({
      default: '/var/log/app',
      writable: true,
      description:
        'Shared directory the app writes its logs into (mounted by the app too). The registry lives here as well, so it outlives the sidecar.',
    }),
    include: globs({
      default: '*.log',
      description:
        'Which files of --dir to tail: file-name globs (*, ?, [..], {a,b}), comma-separated. With copytruncate rotation, include the copies too (app.log*): a copy is recognised by its fingerprint and read on from where the original stopped.',
    }),
    exclude: globs({
      default: '*.gz,*.zst,*.xz,*.bz2,*.lz4,*.zip',
      empty: true,
      description:
        'Files of --dir never tailed although --include matches them: file-name globs, comma-separated (empty: none). The default leaves out compressed rotations (logrotate compress: app.log.2.gz), whose bytes are not lines.',
    }),
    registryFile: string({
      default: '.log-shipper-registry.json',
      pattern: /^(?!\.\.)(?!\.$)[^/\0]+$/,
      rule: 'a file name (no /, not ., not starting with ..)',
      description: 'Name of the registry file inside --dir: per file, the offset the receiver has acknowledged.',
    }),
    relpHost: string({
      required: true,
      pattern: /^[A-Za-z0-9.:[\]-]+$/,
      rule: 'a host name or IP address',
      description: 'Host of the RELP receiver (rsyslog imrelp).',
    }),
    relpPort: port({ default: 2514, description: 'Port of the RELP receiver.' }),
    relpWindow: int({
      default: 1024,
      min: 1,
      max: 65536,
      description: 'Most messages sent to the receiver and not yet acknowledged.',
    }),
    relpTimeout: duration({
      default: '10s',
      min: '100ms',
      max: '5m',
      description: 'A connect, the RELP open, or an acknowledgement that takes longer fails the batch (it is sent again).',
    }),
    pod: string({ default: '', empty: true, description: 'Label pod of every record (default: the host name, which is the pod).' }),
    container: string({ default: 'app', description: 'Label container of every record: the app whose logs these are.' }),
    parseJson: bool({
      default: true,
      description: 'true: a one-line record that is a JSON object is also sent parsed, as fields. false: only the text.',
    }),
    multilineStart: regex({
      description:
        'A regular expression that matches the first line of a record. Lines that do not match are joined to the record before them (stack traces). Empty: every line is a record.',
    }),
    multilineTimeout: duration({
      default: '1s',
      min: '10ms',
      max: '1m',
      description: 'A multi-line record with no new line for this long is complete.',
    }),
    maxRecordBytes: int({
      default: 32768,
      min: 256,
      max: 60000,
      description:
        'Longest record sent. A longer line is sent in pieces of this size (each its own record); a multi-line record stops growing here.',
    }),
    batchMaxRecords: int({ default: 2000, min: 1, max: 100000, description: 'Most records in one batch.' }),
    batchMaxBytes: int({ default: 1048576, min: 1024, max: 67108864, description: 'Most record bytes in one batch.' }),
    batchMaxWait: duration({
      default: '100ms',
      max: '1m',
      description: 'How long a batch that is not full waits for more records before it is sent.',
    }),
    maxBufferBytes: int({
      default: 4194304,
      min: 65536,
      max: 1073741824,
      description:
        'Memory bound: most bytes read and not yet acknowledged. At the bound the shipper stops reading (the files are the buffer) until the receiver acknowledges.',
    }),
    retryMax: duration({
      default: '5s',
      min: '100ms',
      max: '5m',
      description: 'Longest wait between two attempts to deliver a batch (the wait starts at 100 ms and doubles).',
    }),
    pollInterval: duration({
      default: '200ms',
      min: '10ms',
      max: '1m',
      description: 'How often the files are read for new lines when the last pass found none.',
    }),
    scanInterval: duration({
      default: '1s',
      min: '10ms',
      max: '10m',
      description: 'How often --dir is listed for new, rotated and truncated files.',
    }),
    unsafeCommitOnRead: bool({
      default: false,
      description:
        "Moves the registry when a record is read, not when the receiver acknowledges it (as Fluent Bit's tail input does). A crash or restart while the receiver is away then loses what was read and not delivered. For the lesson's break-it exercise; never in production.",
    }),
    closeIdle: duration({
      default: '10s',
      min: '100ms',
      max: '1h',
      description:
        'A file read to its end and unchanged for this long is closed (reopened when it grows). A rotated file is read to its end first.',
    }),
  },
});

/** The table alone, common parameters included: what start() is typed against. */
export const params = spec.params;
