// What is wrong with a frame a TOE put on the TAP, if anything: it must parse, be TCP or ARP, and carry correct
// IPv4 and TCP checksums (the kernel would drop it silently otherwise, and the test would only see a stall).
import { frameChecksums, parseFrame } from '../packet/index.ts';

export function toeFrameProblem(frame: Uint8Array): string | undefined {
  const p = parseFrame(frame);
  if (!p.ok) return p.error.message;
  if (p.value.kind === 'tcp') {
    const s = frameChecksums(p.value);
    return !s.ipv4 || !s.tcp ? `checksum ipv4 ${s.ipv4} tcp ${s.tcp}` : undefined;
  }
  return p.value.kind === 'arp' ? undefined : 'neither TCP nor ARP';
}
