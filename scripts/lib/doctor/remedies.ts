// The remedy for each failure, on each kind of laptop. Linux means a native engine on Debian or Ubuntu
// (tested here); macOS and Windows mean Docker Desktop, on Windows with the runner inside WSL2 (not tested
// here yet). On Windows itself there is one remedy for everything: run the runner inside WSL2.
import { BASE_IMAGE } from '../config.js';
import type { OsKind } from './platform.js';

export type Failure =
  | 'os'
  | 'node'
  | 'dockerCli'
  | 'engine'
  | 'compose'
  | 'openssl'
  | 'base'
  | 'cores'
  | 'memory'
  | 'disk'
  | 'images'
  | 'processes'
  | 'procfs'
  | 'proxy'
  | 'smoke';

const BOOTSTRAP = 'as root on Debian/Ubuntu: make bootstrap   (installs docker.io, Compose v2 and debootstrap, and starts dockerd)';
const WINDOWS =
  'run sidecar-lab inside WSL2, not on Windows itself: wsl --install -d Debian, install Docker Desktop with the WSL 2 backend, then clone and run it in that Debian';
const DESKTOP_RESOURCES = 'Docker Desktop → Settings → Resources';
const LOAD_IMAGES = 'on a Linux amd64 machine: npm run images -- --save FILE; here: docker load -i FILE';

const REMEDIES: Record<Failure, Record<Exclude<OsKind, 'windows'>, string>> = {
  os: {
    linux: 'use Linux, macOS, or Windows with WSL2',
    macos: 'use macOS 12 or newer',
    wsl: 'use WSL 2, not WSL 1: wsl --set-version <distribution> 2',
  },
  node: {
    linux: 'install Node.js 20 or newer',
    macos: 'install Node.js 20 or newer: the installer from nodejs.org, or brew install node@20',
    wsl: 'install Node.js 20 or newer inside this WSL distribution (not on Windows), for example with nvm',
  },
  dockerCli: {
    linux: BOOTSTRAP,
    macos: 'install Docker Desktop for Mac (the Apple silicon or the Intel download, to match this Mac) and start it',
    wsl: 'install Docker Desktop for Windows with the WSL 2 backend, start it, and turn on Settings → Resources → WSL integration for this distribution',
  },
  engine: {
    linux: `${BOOTSTRAP}\n      or, if it is installed: sudo systemctl start docker  (or: sudo dockerd &)`,
    macos: 'start Docker Desktop (open -a Docker) and wait until it says the engine is running',
    wsl: 'start Docker Desktop on Windows, and check that Settings → Resources → WSL integration is on for this distribution',
  },
  compose: { linux: BOOTSTRAP, macos: 'update Docker Desktop: it ships Compose v2', wsl: 'update Docker Desktop: it ships Compose v2' },
  openssl: {
    linux: 'apt-get install openssl',
    macos: 'brew install openssl',
    wsl: 'sudo apt-get install openssl   (inside this WSL distribution)',
  },
  base: {
    linux: `docker pull ${BASE_IMAGE}, or ${BOOTSTRAP}`,
    macos: `the base image is built with debootstrap, on Linux only: ${LOAD_IMAGES}`,
    wsl: 'sudo apt-get install debootstrap   (not make bootstrap: Docker Desktop is this machine’s engine)',
  },
  cores: {
    linux: 'use a machine, or give the VM, at least 2 cores',
    macos: `${DESKTOP_RESOURCES}: give the engine at least 2 CPUs`,
    wsl: `${DESKTOP_RESOURCES}: give the engine at least 2 CPUs (or raise processors= in %UserProfile%\\.wslconfig)`,
  },
  memory: {
    linux: 'use a machine, or give the VM, at least 4 GiB of memory',
    macos: `${DESKTOP_RESOURCES}: give the engine at least 4 GiB of memory`,
    wsl: `${DESKTOP_RESOURCES}: give the engine at least 4 GiB (or raise memory= in %UserProfile%\\.wslconfig)`,
  },
  disk: {
    linux: 'free space on that file system, or move Docker’s data root (data-root in /etc/docker/daemon.json)',
    macos: `free space on this Mac, or raise ${DESKTOP_RESOURCES} → Virtual disk limit`,
    wsl: `free space on the Windows drive that holds the WSL disks (${DESKTOP_RESOURCES} → Disk image location)`,
  },
  images: {
    linux:
      'npm run images   (builds the missing ones; a first build downloads Debian packages with apt-get, so do it before the room shares one Wi-Fi)',
    macos: `the images cannot be built on macOS yet (the build copies this Mac’s Bun binary into Linux images): ${LOAD_IMAGES}`,
    wsl: 'npm run images   (inside WSL; a first build downloads Debian packages with apt-get, so do it before the room shares one Wi-Fi)',
  },
  processes: {
    linux:
      'build the toolbox (npm run images), and run the runner against an engine that lets a container join another’s PID namespace (docker run --pid container:ID; check DOCKER_HOST and a rootless engine’s settings)',
    macos:
      'build the toolbox (npm run images, or docker load -i FILE), and check that Docker Desktop lets a container join another’s PID namespace (docker run --pid container:ID)',
    wsl: 'build the toolbox (npm run images, inside WSL), and check that the engine lets a container join another’s PID namespace (docker run --pid container:ID)',
  },
  procfs: {
    linux:
      'run the runner on the machine the engine runs on (no remote DOCKER_HOST, no rootless engine in a namespace of its own), with a /proc that shows every process (no hidepid)',
    macos:
      'Docker Desktop runs containers in its own VM, so this Mac cannot read their processes: the stacks’ checks do not need it, but the lab’s Pods and Processes views and verify’s namespace, crash and port checks do; use a Linux machine, or a Linux VM that holds both the engine and the clone, for those',
    wsl: 'Docker Desktop runs the engine in a WSL distribution of its own: for the lab and verify, install the engine in this distribution instead (sudo make bootstrap, with WSL integration turned off), so that the runner and the containers share one kernel and one /proc',
  },
  proxy: {
    linux: 'set each proxy variable to a URL, such as http://HOST:PORT',
    macos: 'set each proxy variable to a URL, such as http://HOST:PORT',
    wsl: 'set each proxy variable to a URL, such as http://HOST:PORT',
  },
  smoke: {
    linux: 'npm run stack:https   (runs every check of the stack, and shows the containers’ logs on a failure)',
    macos: 'npm run stack:https   (runs every check of the stack, and shows the containers’ logs on a failure)',
    wsl: 'npm run stack:https   (inside WSL; runs every check of the stack, and shows the containers’ logs on a failure)',
  },
};

export function remedy(failure: Failure, os: OsKind): string {
  return os === 'windows' ? WINDOWS : REMEDIES[failure][os];
}
