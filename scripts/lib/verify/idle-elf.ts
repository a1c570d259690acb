// The probe's only program: a static Linux executable that waits for a signal, forever, and touches
// nothing. It is generated here (about 150 bytes) so that the probe image can be built FROM scratch from
// files that ship in our package, with no base image and no download. One ELF header, one loadable
// segment, and a loop around the one system call that sleeps until a signal arrives.
//   x86-64:  pause()                               mov eax, 34; syscall; jmp back
//   aarch64: ppoll(NULL, 0, NULL, NULL)            (arm64 has no pause) x0-x3 = 0, x8 = 73, svc 0, b back
// SIGKILL (docker rm -f) ends it; as PID 1 it ignores every signal it has no handler for.

const BASE = 0x400000n;
const EHDR = 64;
const PHDR = 56;

const CODE: Record<string, { machine: number; code: number[] }> = {
  x86_64: { machine: 0x3e, code: [0xb8, 0x22, 0x00, 0x00, 0x00, 0x0f, 0x05, 0xeb, 0xf7] },
  aarch64: {
    machine: 0xb7,
    code: [0xd2800000, 0xd2800001, 0xd2800002, 0xd2800003, 0xd2800928, 0xd4000001, 0x17fffffa].flatMap((w) => [
      w & 0xff,
      (w >>> 8) & 0xff,
      (w >>> 16) & 0xff,
      (w >>> 24) & 0xff,
    ]),
  },
};

/** The architectures it is built for, as `docker info` names them. */
export const IDLE_ARCHES = Object.keys(CODE);

export function idleElf(arch: string): Buffer {
  const target = CODE[arch];
  if (!target) throw new Error(`verify's probe has no program for ${arch}: it runs on ${IDLE_ARCHES.join(' and ')}`);
  const size = EHDR + PHDR + target.code.length;
  const b = Buffer.alloc(size);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], 0); // magic, 64-bit, little-endian, version 1, System V
  b.writeUInt16LE(2, 16); // ET_EXEC
  b.writeUInt16LE(target.machine, 18);
  b.writeUInt32LE(1, 20); // EV_CURRENT
  b.writeBigUInt64LE(BASE + BigInt(EHDR + PHDR), 24); // entry: the code, right after the headers
  b.writeBigUInt64LE(BigInt(EHDR), 32); // program headers follow the ELF header
  b.writeUInt16LE(EHDR, 52);
  b.writeUInt16LE(PHDR, 54);
  b.writeUInt16LE(1, 56); // one program header, no sections
  b.writeUInt32LE(1, EHDR); // PT_LOAD
  b.writeUInt32LE(5, EHDR + 4); // read + execute
  b.writeBigUInt64LE(BASE, EHDR + 16); // the whole file, mapped at BASE
  b.writeBigUInt64LE(BASE, EHDR + 24);
  b.writeBigUInt64LE(BigInt(size), EHDR + 32);
  b.writeBigUInt64LE(BigInt(size), EHDR + 40);
  b.writeBigUInt64LE(0x1000n, EHDR + 48);
  b.set(target.code, EHDR + PHDR);
  return b;
}
