// Each service's role, from identify's reading of the project's Compose files (the paths Compose records
// in the com.docker.compose.project.config_files label). Read once per project and set of files; a file
// that is gone or unreadable leaves the roles unknown (null), never a failed page.
import { identify } from '../identify/run.js';

const FILES_LABEL = 'com.docker.compose.project.config_files';
const DIR_LABEL = 'com.docker.compose.project.working_dir';

export type Roles = (labels: Record<string, string>, service: string) => { role: string | null; pattern: string | null };

export function rolesFromIdentify(read = identify): Roles {
  const cache = new Map<string, Map<string, { role: string | null; pattern: string | null }>>();
  const load = (files: string, dir: string) => {
    const byService = new Map<string, { role: string | null; pattern: string | null }>();
    try {
      const report = read(files.split(',').filter(Boolean), dir || '/');
      for (const g of report.groups) for (const c of g.containers) byService.set(c.name, { role: c.role ?? c.pattern, pattern: c.pattern });
    } catch {
      // unreadable files: roles stay unknown
    }
    return byService;
  };
  return (labels, service) => {
    const files = labels[FILES_LABEL] ?? '';
    const key = `${labels[DIR_LABEL] ?? ''}\n${files}`;
    let known = cache.get(key);
    if (!known) cache.set(key, (known = load(files, labels[DIR_LABEL] ?? '')));
    return known.get(service) ?? { role: null, pattern: null };
  };
}
