// The platform the images are built for and run as. By default the engine's own; SIDECAR_LAB_PLATFORM=linux/arm64
// on an amd64 engine (or linux/amd64 on an arm64 one) builds and runs the other, under QEMU's user-mode emulation
// (scripts/bootstrap/qemu.sh installs and enables it when a base image for it is first built): how this amd64
// machine makes and tests the images of an Apple silicon Mac. Such images get a base image of their own
// (LOCAL_BASE_IMAGE-arm64, from debootstrap), never BASE_IMAGE, which is the engine's.
export const PLATFORMS = ['linux/amd64', 'linux/arm64'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** SIDECAR_LAB_PLATFORM, checked; undefined when unset (the engine's own platform). */
export function chosenPlatform(env: NodeJS.ProcessEnv = process.env): Platform | undefined {
  const p = env.SIDECAR_LAB_PLATFORM;
  if (p === undefined || p === '') return undefined;
  if (!(PLATFORMS as readonly string[]).includes(p))
    throw new Error(`invalid SIDECAR_LAB_PLATFORM: "${p}": give one of ${PLATFORMS.join(', ')} (or leave it unset for the engine's own)`);
  return p as Platform;
}

/** The platform's architecture as Docker and Debian name it: linux/arm64 -> arm64. */
export const archOf = (p: Platform) => p.slice('linux/'.length);

/** The base image built for a platform other than the engine's: LOCAL_BASE_IMAGE with the architecture appended. */
export const foreignBase = (localBase: string, p: Platform) => `${localBase}-${archOf(p)}`;

/** How much longer every check's deadline (check.ts `eventually`) is for an emulated platform: under QEMU a
 * process starts several times slower (a sidecar's Bun takes seconds), so "back within 5 s" becomes 20 s there. */
export const EMULATION_SLOWDOWN = 4;

/** Whether the images run emulated: SIDECAR_LAB_PLATFORM names an architecture other than this machine's (whose
 * engine is taken to be of its own architecture, as it is natively and under Docker Desktop). */
export function emulated(env: NodeJS.ProcessEnv = process.env, hostArch: string = process.arch): boolean {
  const chosen = chosenPlatform(env);
  const host: Record<string, string> = { x64: 'amd64' };
  return chosen !== undefined && archOf(chosen) !== (host[hostArch] ?? hostArch);
}

/** The factor every check's deadline is multiplied by: EMULATION_SLOWDOWN when emulated, else 1. */
export const deadlineScale = (env: NodeJS.ProcessEnv = process.env, hostArch: string = process.arch) =>
  emulated(env, hostArch) ? EMULATION_SLOWDOWN : 1;
