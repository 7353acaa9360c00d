// Rows of `toe bench datapath` for the ack_tx blocks: the ACK generator, the TX frame builder, the TX arbiter.
import { AckGen } from '../blocks/ack_tx/ack-gen.ts';
import { TxBuilder } from '../blocks/ack_tx/tx-builder.ts';
import { TxArbiter } from '../blocks/ack_tx/tx-arbiter.ts';
import { AckEventKind, BASE_HEADER_BYTES } from '../blocks/ack_tx/types.ts';
import { buildTcpFrame, checksumPartial } from '../sim/packet/index.ts';
import { structPorts, type DatapathBench } from './datapath-bench.ts';

const addresses = { dst_mac: 0x020000000002, src_mac: 0x020000000001, src_ip: 0xc6120001, dst_ip: 0xc6120002, src_port: 40000, dst_port: 5001 };
const noSack = [0, 1, 2, 3].map((i) => ({ left: 1000 * i, right: 1000 * i + 500 }));
const payloadOf = (size: number) => Uint8Array.from({ length: size - BASE_HEADER_BYTES }, (_, i) => (i * 13) & 0xff);

/** Segments of `size` frame bytes (no options): one descriptor offered every cycle, payloads back to back. */
export function txBuilderBench(width: number): DatapathBench {
  return {
    block: 'tx_builder', width, def: TxBuilder, params: { width }, output: 'm_axis',
    inputs: [{ prefix: 's_axis', frames: (size, n) => Array.from({ length: n }, () => payloadOf(size)) }],
    held: (size) => ({
      ...structPorts('desc', {
        ...addresses, seq: 1, ack: 2, flags: 0x18, window: 1000, ts_enabled: false, ts_ecr: 0, sack_count: 0, sack: noSack,
        payload_len: size - BASE_HEADER_BYTES, payload_sum: checksumPartial(payloadOf(size)),
      }),
      desc_valid: 1, tsval: 7,
    }),
  };
}

/** Pure ACKs offered every cycle (ACK_NOW events): 54 bytes plain, 66 with timestamps, 94 with timestamps and 3 SACK blocks. */
export function ackGenBench(width: number): DatapathBench {
  return {
    block: 'ack_gen', width, def: AckGen, params: { width, conns: 64 }, output: 'm_axis', inputs: [], sizes: [54, 66, 94],
    config: { delack_timeout: 100_000, chal_interval: 1000, chal_limit: 10, tsval: 7 },
    held: (size) => ({
      ...structPorts('ev', {
        conn: 0, event: AckEventKind.ACK_NOW, mss: 1460, ...addresses, snd_nxt: 1, rcv_nxt: 2, rcv_wnd: 1 << 20, rcv_wscale: 7,
        ts_enabled: size > 54, ts_recent: 3, sack_count: size > 66 ? 3 : 0, sack: noSack, seg_seq: 0, seg_ack: 0, seg_len: 0, seg_flags: 0x10,
      }),
      ev_valid: 1,
    }),
    note: 'ack_gen sizes are its frames: 54 B pure ACK, 66 B with timestamps, 94 B with timestamps and 3 SACK blocks; latency is event in -> first beat out',
  };
}

/** Both inputs saturated with frames of the size (ACK priority, data every ackBurst + 1 frames). */
export function txArbiterBench(width: number): DatapathBench {
  const frame = (size: number) => buildTcpFrame({
    srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02', srcIp: '198.18.0.1', dstIp: '198.18.0.2', srcPort: 1, dstPort: 2,
    seq: 1, ack: 2, flags: 0x10, window: 100, payload: new Uint8Array(size - BASE_HEADER_BYTES),
  });
  const some = (size: number, n: number) => Array.from({ length: n }, () => frame(size));
  return {
    block: 'tx_arbiter', width, def: TxArbiter, params: { width }, output: 'm_axis',
    inputs: [{ prefix: 'ack', frames: (size, n) => some(size, Math.floor(n / 2)) }, { prefix: 'data', frames: (size, n) => some(size, n - Math.floor(n / 2)) }],
  };
}
