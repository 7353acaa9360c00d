/** Shared helpers for the runner tests: run inline scripts against a MiniTcp. */
import { parseScriptOrThrow } from '../../../sim/packetdrill/index.ts';
import { runScript, type RunOptions, type RunResult } from '../../../sim/packetdrill/runner/index.ts';
import { MiniTcp, type MiniTcpConfig } from './mini-tcp.ts';

/** Strip the common indentation of a template literal. */
export function script(text: string): string {
  const lines = text.replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.match(/^ */)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

export function run(text: string, cfg: MiniTcpConfig = {}, opts: RunOptions = {}): RunResult {
  return runScript(parseScriptOrThrow(text, 'test.pkt'), (net) => new MiniTcp(net, cfg), opts);
}

/** 1-based line number of the first line containing `needle` (after `from`). */
export function lineOf(text: string, needle: string, from = 0): number {
  const lines = text.split('\n');
  for (let i = from; i < lines.length; i++) if (lines[i]!.includes(needle)) return i + 1;
  throw new Error(`'${needle}' not in script`);
}

/** Linux-style passive exchange: handshake, data both ways, ACKs, FIN both ways. */
export const PASSIVE = script(`
  0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
  +0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
  +0 bind(3, ..., ...) = 0
  +0 listen(3, 1) = 0
  +.1 < S 0:0(0) win 32792 <mss 1000,nop,wscale 7>
  +0 > S. 0:0(0) ack 1 win 65535 <mss 1460,nop,wscale 8>
  +.1 < . 1:1(0) ack 1 win 257
  +0 accept(3, ..., ...) = 4
  +.1 write(4, ..., 2000) = 2000
  +0 > P. 1:2001(2000) ack 1 win 65535
  +.01 < . 1:1(0) ack 2001 win 257
  +.1 < P. 1:1001(1000) ack 2001 win 257
  +0 > . 2001:2001(0) ack 1001 win 65535
  +0 read(4, ..., 1000) = 1000
  +.1 < F. 1001:1001(0) ack 2001 win 257
  +0 > . 2001:2001(0) ack 1002
  +0 read(4, ..., 1000) = 0
  +0 close(4) = 0
  +0 > F. 2001:2001(0) ack 1002
  +.1 < . 1002:1002(0) ack 2002 win 257
`);

/** Outbound frames of PASSIVE, in order (indices for MiniTcpConfig.mutate). */
export const FRAME = { synAck: 0, data: 1, dataAck: 2, finAck: 3, fin: 4 } as const;
