// One-line, tcpdump-like summaries for test failure messages and logs.

import { ipv4ToString, macToString } from './addr.ts';
import { ARP_REPLY, ARP_REQUEST } from './arp.ts';
import type { Frame } from './frame.ts';
import { tcpFlagsToString } from './tcp.ts';
import type { TcpOption } from './tcp-options.ts';

export function describeTcpOption(o: TcpOption): string {
  switch (o.type) {
    case 'eol': return 'eol';
    case 'nop': return 'nop';
    case 'mss': return `mss ${o.mss}`;
    case 'wscale': return `wscale ${o.shift}`;
    case 'sack-permitted': return 'sackOK';
    case 'sack': return `sack ${o.blocks.map((b) => `{${b.left}:${b.right}}`).join('')}`;
    case 'timestamps': return `TS val ${o.tsval} ecr ${o.tsecr}`;
    case 'unknown': return `opt-${o.kind}:${Array.from(o.data, (b) => b.toString(16).padStart(2, '0')).join('')}`;
  }
}

/** e.g. "10.0.0.1.1234 > 10.0.0.2.80: Flags [S.], seq 1, ack 2, win 512, options [mss 1460], length 0" */
export function describeFrame(f: Frame): string {
  switch (f.kind) {
    case 'tcp': {
      const { ip, tcp } = f;
      const opts = tcp.options.length ? `, options [${tcp.options.map(describeTcpOption).join(',')}]` : '';
      return `${ipv4ToString(ip.src)}.${tcp.srcPort} > ${ipv4ToString(ip.dst)}.${tcp.dstPort}: ` +
        `Flags [${tcpFlagsToString(tcp.flags)}], seq ${tcp.seq}, ack ${tcp.ack}, win ${tcp.window}${opts}, length ${f.payload.length}`;
    }
    case 'arp': {
      const a = f.arp;
      if (a.op === ARP_REQUEST) return `ARP, Request who-has ${ipv4ToString(a.targetIp)} tell ${ipv4ToString(a.senderIp)}`;
      if (a.op === ARP_REPLY) return `ARP, Reply ${ipv4ToString(a.senderIp)} is-at ${macToString(a.senderMac)}`;
      return `ARP, op ${a.op}`;
    }
    case 'other':
      return `${macToString(f.eth.src)} > ${macToString(f.eth.dst)}, ethertype 0x${f.eth.ethertype.toString(16).padStart(4, '0')}, length ${f.payload.length}`;
  }
}
