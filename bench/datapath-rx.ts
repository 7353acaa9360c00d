// Rows of `toe bench datapath` for the receive side and the checksum units: rx_checksum, tx_checksum (payload
// partial-sum mode, the TOE's configuration), rx_parser and rx_front (checksum into parser). The parsers' rate
// is what they take in (their payload output is the frame less its headers).
import { RxChecksum } from '../blocks/checksum/rx-checksum.ts';
import { TxChecksum } from '../blocks/checksum/tx-checksum.ts';
import { RxParser } from '../blocks/rx_parser/rx-parser.ts';
import { RxFront } from '../blocks/rx_front/rx-front.ts';
import { buildTcpFrame, checksumPartial, TcpFlags } from '../sim/packet/index.ts';
import type { DatapathBench } from './datapath-bench.ts';

const HEADERS = 54; // Ethernet + IPv4 + TCP, no options

/** A TCP frame of exactly `size` bytes (no options), payload bytes varying with `i`. */
const frame = (size: number, i: number) => buildTcpFrame({
  srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02', srcIp: '198.18.0.1', dstIp: '198.18.0.2', srcPort: 40000, dstPort: 5001,
  seq: 1000 + i * (size - HEADERS), ack: 7, flags: TcpFlags.ACK | TcpFlags.PSH, window: 1000,
  payload: Uint8Array.from({ length: size - HEADERS }, (_, k) => (k * 7 + i) & 0xff),
});
const frames = (size: number, n: number) => Array.from({ length: n }, (_, i) => frame(size, i % 16));

export function rxChecksumBench(width: number): DatapathBench {
  return { block: 'rx_checksum', width, def: RxChecksum, params: { width }, output: 'm_axis', inputs: [{ prefix: 's_axis', frames }] };
}

/** Frames with zeroed checksum fields and the payload's partial sum on tuser, as the DMA engine supplies it. */
export function txChecksumBench(width: number): DatapathBench {
  const withPartial = (size: number, n: number) => frames(size, n).map((f) => {
    const data = f.slice();
    data.fill(0, 24, 26);
    data.fill(0, 50, 52);
    return { data, user: checksumPartial(f, 0, HEADERS, size - HEADERS) };
  });
  return { block: 'tx_checksum', width, def: TxChecksum, params: { width, mode: 'partial' }, output: 'm_axis', inputs: [{ prefix: 's_axis', frames: withPartial }] };
}

/** The parser with its metadata and slow-path outputs always ready; a run ends when every payload has left. */
export function rxParserBench(width: number): DatapathBench {
  return {
    block: 'rx_parser', width, def: RxParser, params: { width, sackBlocks: 1, counterBits: 32 }, output: 'payload', counted: 'input',
    inputs: [{ prefix: 'rx', frames }], config: { meta_ready: 1, slow_tready: 1 },
    note: 'rx_parser and rx_front: bytes/cycle taken in (frames back to back); latency is first beat in -> first payload beat out',
  };
}

export function rxFrontBench(width: number): DatapathBench {
  return { ...rxParserBench(width), block: 'rx_front', def: RxFront, note: undefined };
}
