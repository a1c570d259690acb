// The lab's role reader, as a process of its own: `node roles-child.js '{"project":…,"labels":{…}}'` prints
// the project's roles as JSON ([[service, { role, pattern }], …]); exit 1 when they cannot be read.
import { readRoles } from './roles-read.js';

try {
  const { project, labels } = JSON.parse(process.argv[2] ?? '') as { project: string; labels: Record<string, string> };
  process.stdout.write(JSON.stringify([...(await readRoles(project, labels)).entries()]));
} catch (e) {
  process.stderr.write(`roles: ${(e as Error).message.split('\n')[0]}\n`);
  process.exitCode = 1;
}
