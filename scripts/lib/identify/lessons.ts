// The sidecar-lab lesson that teaches each pattern and role (what the text output points at).
import type { Pattern, Role } from './model.js';

const BY_ROLE: Partial<Record<Role, string>> = {
  'tls-proxy': 'stacks/https/README.md',
  'auth-proxy': 'stacks/https/README.md',
  'mesh-proxy': 'stacks/mesh/README.md',
  'log-shipper': 'stacks/logs/README.md',
  'config-reloader': 'stacks/config/README.md',
  'git-sync': 'stacks/paas/README.md',
  'db-proxy': 'stacks/patterns/README.md',
  metrics: 'stacks/patterns/README.md',
};

export function lessonFor(pattern: Pattern, role?: Role): string | undefined {
  if (pattern === 'app' || pattern === 'standalone') return undefined;
  if (pattern === 'init' || pattern === 'ambassador' || pattern === 'adapter' || pattern === 'pause') return 'stacks/patterns/README.md';
  return (role && BY_ROLE[role]) ?? 'docs/identify.md';
}
