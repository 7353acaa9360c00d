// An observer on the captured wire: what the TOE sent must respect what it had announced and what it had been
// told, in capture order (a frame from the kernel is captured before the TOE can act on it).
//  - the window it advertises, scaled, never exceeds its receive buffer;
//  - no segment carries more than the kernel's MSS (payload plus TCP options, RFC 9293 §3.7.1);
//  - no data goes beyond the right edge of the kernel's advertised window (RFC 9293 §3.8.6).
import { parseFrame, seqGt, toIpv4, TcpFlags, type PcapPacket } from '../../sim/packet/index.ts';

export function wireViolations(packets: readonly PcapPacket[], toeIp: string, rcvbuf: number): string[] {
  const toe = toIpv4(toeIp);
  const out: string[] = [];
  let toeWs = 0, kernelWs = 0, kernelMss = 536, established = false;
  let kernelEdge: number | undefined;
  packets.forEach((pkt, i) => {
    const p = parseFrame(pkt.data);
    if (!p.ok || p.value.kind !== 'tcp') return;
    const { ip, tcp, payload } = p.value;
    const fromToe = ip.src === toe;
    const syn = (tcp.flags & TcpFlags.SYN) !== 0;
    if (syn) {
      for (const o of tcp.options) {
        if (o.type === 'wscale') { if (fromToe) toeWs = o.shift; else kernelWs = o.shift; }
        if (o.type === 'mss' && !fromToe) kernelMss = o.mss;
      }
    }
    const what = `frame ${i + 1}`;
    if (!fromToe) {
      if ((tcp.flags & TcpFlags.ACK) !== 0 && !syn) {
        const edge = (tcp.ack + tcp.window * 2 ** kernelWs) >>> 0;
        if (kernelEdge === undefined || seqGt(edge, kernelEdge)) kernelEdge = edge;
        established = true;
      }
      return;
    }
    if (!syn && established) {
      const wnd = tcp.window * 2 ** toeWs;
      if (wnd > rcvbuf) out.push(`${what}: TOE advertised ${wnd} bytes, its receive buffer is ${rcvbuf}`);
      if (kernelEdge !== undefined && payload.length > 0 && seqGt((tcp.seq + payload.length) >>> 0, kernelEdge)) {
        out.push(`${what}: TOE data ends at ${(tcp.seq + payload.length) >>> 0}, beyond the kernel's window edge ${kernelEdge}`);
      }
    }
    const optBytes = tcp.dataOffset * 4 - 20;
    if (payload.length + optBytes > kernelMss) out.push(`${what}: ${payload.length} bytes + ${optBytes} of options exceed the kernel's MSS ${kernelMss}`);
  });
  return out;
}
