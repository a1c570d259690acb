// The contract: what GET /api/processes answers, as a JSON Schema (served at /api/schema and
// copied into the README's Contract section; a unit test keeps the two equal).
const int0 = { type: 'integer', minimum: 0 };
const dateTime = { type: 'string', format: 'date-time' };

export const SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'topz/v1',
  title: 'topz process list',
  type: 'object',
  additionalProperties: false,
  required: ['schema', 'scannedAt', 'scanMs', 'truncated', 'skipped', 'limits', 'shown', 'warnings', 'processes'],
  properties: {
    schema: { const: 'topz/v1', description: 'Version of this contract; a breaking change gets a new one.' },
    scannedAt: { ...dateTime, description: 'When the scan behind this response started.' },
    scanMs: { type: 'number', minimum: 0, description: 'How long the scan took.' },
    truncated: { enum: [null, 'maxProcesses', 'scanTimeout'], description: 'Why the list is incomplete, or null when it is complete.' },
    skipped: {
      type: 'object',
      additionalProperties: false,
      required: ['vanished', 'unreadable'],
      description: 'Processes left out of this scan: exited while being read, or unreadable.',
      properties: { vanished: int0, unreadable: int0 },
    },
    limits: {
      type: 'object',
      additionalProperties: false,
      required: ['maxProcesses', 'scanTimeoutMs'],
      properties: { maxProcesses: int0, scanTimeoutMs: int0 },
    },
    shown: {
      type: 'object',
      additionalProperties: false,
      required: ['cmdline', 'environ'],
      description: 'Whether cmdline and environ are included (--show-cmdline, --show-environ).',
      properties: { cmdline: { type: 'boolean' }, environ: { type: 'boolean' } },
    },
    warnings: { type: 'array', items: { type: 'string' }, description: 'Security warnings from the self-check; empty when all is well.' },
    processes: { type: 'array', items: { $ref: '#/$defs/process' }, description: 'Lowest PID first.' },
  },
  $defs: {
    process: {
      type: 'object',
      additionalProperties: false,
      required: ['pid', 'ppid', 'name', 'state', 'cpuPercent', 'cpuHistory', 'rssBytes', 'threads', 'startTime', 'uid', 'user', 'self'],
      properties: {
        pid: { type: 'integer', minimum: 1, description: 'PID in the pod’s PID namespace.' },
        ppid: int0,
        name: { type: 'string', description: 'Command name (comm), at most 15 bytes.' },
        state: { type: 'string', description: 'One letter, as in ps: R running, S sleeping, D disk wait, Z zombie, T stopped, I idle.' },
        cpuPercent: {
          type: ['number', 'null'],
          minimum: 0,
          description: 'Share of one CPU since the previous scan (100 = one core); null until topz has seen the process twice.',
        },
        cpuHistory: {
          type: 'array',
          items: { type: 'number', minimum: 0 },
          description: 'CPU % of the last periodic scans, oldest first.',
        },
        rssBytes: int0,
        threads: { type: 'integer', minimum: 0 },
        startTime: dateTime,
        uid: { type: 'integer', minimum: -1 },
        user: { type: 'string', description: 'User name as topz’s own passwd file knows it, else the uid.' },
        self: { type: 'boolean', description: 'True for topz’s own process.' },
        cmdline: {
          type: 'array',
          items: { type: 'string' },
          description: 'Only with --show-cmdline; secret-looking values are <redacted>.',
        },
        environ: {
          type: ['object', 'null'],
          additionalProperties: { type: 'string' },
          description: 'Only with --show-environ; null when topz may not read it (the safe case); secret-looking values are <redacted>.',
        },
      },
    },
  },
} as const;

export interface ProcessView {
  pid: number;
  ppid: number;
  name: string;
  state: string;
  cpuPercent: number | null;
  cpuHistory: number[];
  rssBytes: number;
  threads: number;
  startTime: string;
  uid: number;
  user: string;
  self: boolean;
  cmdline?: string[];
  environ?: Record<string, string> | null;
}

export interface Snapshot {
  schema: 'topz/v1';
  scannedAt: string;
  scanMs: number;
  truncated: null | 'maxProcesses' | 'scanTimeout';
  skipped: { vanished: number; unreadable: number };
  limits: { maxProcesses: number; scanTimeoutMs: number };
  shown: { cmdline: boolean; environ: boolean };
  warnings: string[];
  processes: ProcessView[];
}
