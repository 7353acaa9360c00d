// Standard bundles: AXI4-Stream and AXI4-Lite, with AMBA signal names.
import { Bool, Flip, Struct, UInt, type HwType, type StructT, type ScalarT, type FlipT } from './types.ts';

export interface StreamOpts { user?: number; keep?: boolean; last?: boolean }

type Opt<Flag, F> = Flag extends false ? unknown : F;
/** The fields of a Stream with these options: tkeep and tlast unless switched off, tuser when given a width. */
export type StreamFields<O extends StreamOpts> =
  { tdata: ScalarT; tvalid: ScalarT; tready: FlipT<ScalarT> }
  & Opt<O['keep'], { tkeep: ScalarT }>
  & Opt<O['last'], { tlast: ScalarT }>
  & (O['user'] extends number ? { tuser: ScalarT } : unknown);

/**
 * An AXI4-Stream bundle of `dataBits` (a multiple of 8 unless keep is false). As `input(...)` it is a sink
 * (tready is an output); as `output(...)` a source. tkeep and tlast are present unless switched off; tuser
 * when given a width.
 */
export function Stream<const O extends StreamOpts = Record<never, never>>(dataBits: number, opts?: O): StructT<StreamFields<O>> {
  const o: StreamOpts = opts ?? {};
  const f: Record<string, HwType> = { tdata: UInt(dataBits) };
  if (o.keep ?? true) {
    if (dataBits % 8 !== 0) throw new Error(`a stream with tkeep needs a multiple of 8 data bits, got ${dataBits} (or pass keep: false)`);
    f.tkeep = UInt(dataBits / 8);
  }
  if (o.last ?? true) f.tlast = Bool;
  if (o.user) f.tuser = UInt(o.user);
  f.tvalid = Bool;
  f.tready = Flip(Bool);
  return Struct(f) as unknown as StructT<StreamFields<O>>;
}

/** An AXI4-Lite slave interface as seen by the slave: `input(AxiLite(...))`. A master uses `output(...)`. */
export function AxiLite(addrBits: number, dataBits: 32 | 64 = 32) {
  return Struct({
    awaddr: UInt(addrBits), awprot: UInt(3), awvalid: Bool, awready: Flip(Bool),
    wdata: UInt(dataBits), wstrb: UInt(dataBits / 8), wvalid: Bool, wready: Flip(Bool),
    bresp: Flip(UInt(2)), bvalid: Flip(Bool), bready: Bool,
    araddr: UInt(addrBits), arprot: UInt(3), arvalid: Bool, arready: Flip(Bool),
    rdata: Flip(UInt(dataBits)), rresp: Flip(UInt(2)), rvalid: Flip(Bool), rready: Bool,
  });
}
