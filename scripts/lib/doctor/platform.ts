// Which kind of laptop the doctor runs on, since each gets its own remedies: Linux with a native engine,
// macOS with Docker Desktop, Windows through WSL2 (a Linux whose /proc/version mentions Microsoft) with
// Docker Desktop, or Windows itself, where the runner does not run.
import { readFileSync } from 'node:fs';

export type OsKind = 'linux' | 'macos' | 'wsl' | 'windows';

export const OS_NAMES: Record<OsKind, string> = {
  linux: 'Linux',
  macos: 'macOS',
  wsl: 'Windows (WSL2)',
  windows: 'Windows',
};

export function osKind(platform: NodeJS.Platform, procVersion: string): OsKind {
  if (platform === 'darwin') return 'macos';
  if (platform === 'win32') return 'windows';
  return /microsoft/i.test(procVersion) ? 'wsl' : 'linux';
}

/** /proc/version, or '' where there is none (macOS, Windows). */
export function readProcVersion(): string {
  try {
    return readFileSync('/proc/version', 'utf8');
  } catch {
    return '';
  }
}

/** The platform as Docker names it: linux/amd64, darwin/arm64, windows/amd64 (WSL2 is linux). */
export function platformName(platform: NodeJS.Platform, arch: string): string {
  const os = platform === 'win32' ? 'windows' : platform;
  const cpu = arch === 'x64' ? 'amd64' : arch === 'ia32' ? '386' : arch;
  return `${os}/${cpu}`;
}
