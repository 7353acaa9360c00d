// Standard bundles: AXI4-Stream and AXI4-Lite, with AMBA signal names.
import { Bool, Flip, Struct, UInt, type HwType, type StructT, type ScalarT, type FlipT } from './types.ts';

export interface StreamOpts { user?: number; keep?: boolean; last?: boolean }

export type StreamFields = {
  tdata: ScalarT; tkeep: ScalarT; tlast: ScalarT; tuser: ScalarT; tvalid: ScalarT; tready: FlipT<ScalarT>;
};

/**
 * An AXI4-Stream bundle of `dataBits` (a multiple of 8 when tkeep is present). As `input(...)` it is a sink
 * (tready is an output); as `output(...)` a source. Optional signals: tkeep, tlast (default on), tuser (width).
 */
export function Stream(dataBits: number, opts: StreamOpts = {}) {
  const f: Record<string, HwType> = { tdata: UInt(dataBits) };
  if (opts.keep ?? dataBits > 8) {
    if (dataBits % 8 !== 0) throw new Error(`a stream with tkeep needs a multiple of 8 data bits, got ${dataBits}`);
    f.tkeep = UInt(dataBits / 8);
  }
  if (opts.last ?? true) f.tlast = Bool;
  if (opts.user) f.tuser = UInt(opts.user);
  f.tvalid = Bool;
  f.tready = Flip(Bool);
  return Struct(f) as StructT<Pick<StreamFields, 'tdata' | 'tvalid' | 'tready'> & Partial<StreamFields>>;
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
