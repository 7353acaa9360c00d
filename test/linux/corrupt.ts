// The Linux tests' proof that they can fail: a mangle hook for a TAP link that flips one payload byte of the first
// data frame from `fromIp` (checksums recomputed, so only the end-to-end hash can notice).
import { buildTcpFrame, parseFrame, toIpv4 } from '../../sim/packet/index.ts';

export function corruptOnePayloadByte(fromIp: string): { mangle: (frame: Uint8Array) => Uint8Array; count: () => number } {
  const src = toIpv4(fromIp);
  let corrupted = 0;
  const mangle = (frame: Uint8Array): Uint8Array => {
    const p = parseFrame(frame);
    if (corrupted > 0 || !p.ok || p.value.kind !== 'tcp' || p.value.payload.length === 0 || p.value.ip.src !== src) return frame;
    corrupted++;
    const { eth, ip, tcp } = p.value;
    const payload = p.value.payload.slice();
    payload[payload.length >> 1]! ^= 0x40;
    return buildTcpFrame({
      srcMac: eth.src, dstMac: eth.dst, srcIp: ip.src, dstIp: ip.dst, srcPort: tcp.srcPort, dstPort: tcp.dstPort,
      seq: tcp.seq, ack: tcp.ack, flags: tcp.flags, window: tcp.window, options: tcp.options, payload,
    });
  };
  return { mangle, count: () => corrupted };
}
