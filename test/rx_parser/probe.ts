// A test wrapper around the RX parser: the metadata handshake becomes a one-beat-per-record AXI4-Stream
// (all fields packed, meta.ts order, the first field in the top bits), so the bulk runner's native stream
// sinks can collect metadata alongside the payload and slow-path streams.
import { defineModule, input, output, Stream, UInt, cat, lit, type ModuleDef, type Sig, type Wire } from '../../dsl/index.ts';
import { RxParser, type RxParserParams } from '../../blocks/rx_parser/rx-parser.ts';
import { fieldBits, metaFields, type FieldList } from '../../blocks/rx_parser/meta.ts';
import { RX_REASON_BITS } from '../../blocks/rx_parser/reasons.ts';
import { connectStream } from '../../blocks/lib/connect.ts';
import type { RxMeta } from './model.ts';

export const metaStreamBytes = (sackBlocks: number) => Math.ceil(fieldBits(metaFields(sackBlocks)) / 8);

/**
 * Wraps a module with the RX parser's ports (rx, payload, slow, meta, stats): the same ports, with meta as a
 * stream. `rxUser` is the wrapped module's rx_tuser width; `counters` names extra 32-bit outputs passed through.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function metaStreamProbe(name: string, inner: ModuleDef<RxParserParams, any>, rxUser: number, counters: readonly string[] = []) {
  return defineModule(name, (m, p: RxParserParams) => {
    const W = p.width;
    const fields = metaFields(p.sackBlocks);
    const metaBits = metaStreamBytes(p.sackBlocks) * 8;
    const io = m.io({
      rx: input(Stream(W, { user: rxUser })),
      payload: output(Stream(W)),
      slow: output(Stream(W, { user: 1 + RX_REASON_BITS })),
      meta: output(Stream(metaBits, { keep: false })),
      stats_sel: input(UInt(RX_REASON_BITS)),
      stats_count: output(UInt(p.counterBits)),
      ...Object.fromEntries(counters.map((c) => [c, output(UInt(32))])),
    });
    const dut = m.instance(inner, p) as Record<string, unknown>;
    connectStream(dut.rx as object, io.rx);
    for (const port of ['payload', 'slow'] as const) connectStream(io[port], dut[port] as object);
    const dmeta = dut.meta as Record<string, Sig>;
    const packed = cat(...fields.map(([f]) => dmeta[f]!));
    io.meta.tdata.set(metaBits > packed.width ? cat(lit(0, UInt(metaBits - packed.width)), packed) : packed);
    io.meta.tlast!.set(lit(1, UInt(1)));
    io.meta.tvalid.set(dmeta.valid!);
    (dmeta.ready as unknown as Wire).set(io.meta.tready);
    (dut.stats_sel as Wire).set(io.stats_sel);
    io.stats_count.set(dut.stats_count as Sig);
    const ioc = io as unknown as Record<string, Wire>;
    for (const c of counters) ioc[c]!.set(dut[c] as Sig);
    return io;
  }, { width: 64, sackBlocks: 1, counterBits: 32 } as RxParserParams);
}

export const RxParserProbe = metaStreamProbe('rx_parser_probe', RxParser, 2);

/** A metadata record from one beat of the probe's meta stream (bytes lane 0 first). */
export function decodeMeta(bytes: Uint8Array, fields: FieldList): RxMeta {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  const out: RxMeta = {};
  let shift = BigInt(fieldBits(fields));
  for (const [name, bits] of fields) {
    shift -= BigInt(bits);
    out[name] = (v >> shift) & ((1n << BigInt(bits)) - 1n);
  }
  return out;
}
