/**
 * Turn a script's inbound TCP packet (`< ...`) into the Ethernet frame injected into the target:
 * seq as written, ack and SACK blocks shifted into the target's sequence space, TS ecr mapped to a
 * TS val the target really sent, payload from the sequence-number pattern (./payload.ts).
 */
import type { TcpOption as ScriptOption, TcpPacket } from '../ast.ts';
import { buildTcpFrame, TcpFlags, type TcpOption } from '../../packet/index.ts';
import type { ConnectionMap } from './connection.ts';
import { remoteBytes } from './payload.ts';
import type { PacketdrillNetwork } from './target.ts';

export type InboundBuild = { ok: true; frame: Uint8Array } | { ok: false; reason: string; unsupported?: boolean };

export function flagBits(p: TcpPacket): number {
  const f = p.flags;
  return (f.fin ? TcpFlags.FIN : 0) | (f.syn ? TcpFlags.SYN : 0) | (f.rst ? TcpFlags.RST : 0) |
    (f.psh ? TcpFlags.PSH : 0) | (f.ack ? TcpFlags.ACK : 0) | (f.urg ? TcpFlags.URG : 0) |
    (f.ece ? TcpFlags.ECE : 0) | (f.cwr ? TcpFlags.CWR : 0);
}

export function buildInbound(p: TcpPacket, conn: ConnectionMap, net: PacketdrillNetwork): InboundBuild {
  if (p.seq.kind !== 'range') return { ok: false, reason: 'an inbound packet needs an explicit sequence range (`...(len)` is outbound-only)', unsupported: true };
  if (p.win === null) return { ok: false, reason: 'window must be specified for inbound packets' };
  if (p.options?.kind === 'any') return { ok: false, reason: '`<...>` is only meaningful on outbound packets' };
  const options: TcpOption[] = [];
  for (const o of p.options?.kind === 'list' ? p.options.options : []) {
    const mapped = mapOption(o, p, conn);
    if (typeof mapped === 'string') return { ok: false, reason: mapped, unsupported: o.kind === 'fastopen' || o.kind === 'unknown' };
    options.push(mapped);
  }
  const ack = p.flags.ack || p.ack !== null ? conn.localToWire(p.ack ?? 0) : 0;
  try {
    const frame = buildTcpFrame({
      srcMac: net.remoteMac, dstMac: net.localMac, srcIp: net.remoteIp, dstIp: net.localIp,
      srcPort: conn.remotePort, dstPort: conn.localPort,
      seq: p.seq.start >>> 0, ack, flags: flagBits(p), window: p.win, options,
      payload: remoteBytes(p.seq.start, p.seq.length), urgentPointer: p.urg ?? 0,
    });
    return { ok: true, frame };
  } catch (e) {
    return { ok: false, reason: `cannot build inbound packet: ${(e as Error).message}` };
  }
}

function mapOption(o: ScriptOption, p: TcpPacket, conn: ConnectionMap): TcpOption | string {
  switch (o.kind) {
    case 'nop': return { type: 'nop' };
    case 'eol': return { type: 'eol' };
    case 'mss': return { type: 'mss', mss: o.value };
    case 'wscale': return { type: 'wscale', shift: o.shift };
    case 'sackOK': return { type: 'sack-permitted' };
    case 'sack':
      return { type: 'sack', blocks: o.blocks.map((b) => ({ left: conn.localToWire(b.start), right: conn.localToWire(b.end) })) };
    case 'timestamp': {
      let ecr = o.ecr >>> 0;
      if (p.flags.ack) {
        const live = conn.tsToWire(ecr);
        if (live === null) return `unable to infer live TS ecr for script TS ecr ${ecr}: no outbound TS val seen yet`;
        ecr = live;
      }
      return { type: 'timestamps', tsval: o.val >>> 0, tsecr: ecr };
    }
    case 'fastopen': return 'TCP Fast Open options are not supported';
    case 'unknown': return `unknown TCP option '${o.name}'`;
  }
}
