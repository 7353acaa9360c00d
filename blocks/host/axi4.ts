// The AXI4 memory-mapped bundle of the host interface's DMA masters, seen from the master: `output(Axi4(...))`.
//
//   AR  arid, araddr, arlen (beats - 1), arsize (log2 bytes per beat), arburst (1 = INCR), arvalid | arready
//   R   rid, rdata, rresp, rlast, rvalid                                                       | rready
//   AW  awid, awaddr, awlen, awsize, awburst, awvalid                                          | awready
//   W   wdata, wstrb, wlast, wvalid                                                            | wready
//   B   bid, bresp, bvalid                                                                     | bready
//
// The masters here issue INCR bursts of full-width beats from beat-aligned addresses, never crossing a 4 KiB
// boundary, at most 256 beats. Read data of different IDs may arrive interleaved, each ID's beats in order
// (AXI4); write data follows the AW order. xRESP: 0 OKAY, 2 SLVERR, 3 DECERR (1 EXOKAY is treated as OKAY).
import { Bool, Flip, Struct, UInt, type Sig, type Wire } from '../../dsl/index.ts';

export interface AxiShape { addrBits: number; dataBits: number; idBits: number }

export const AXI_BURST_INCR = 1;
export const AXI_RESP = { OKAY: 0, EXOKAY: 1, SLVERR: 2, DECERR: 3 } as const;

export function axiReadFields(s: AxiShape) {
  return {
    arid: UInt(s.idBits), araddr: UInt(s.addrBits), arlen: UInt(8), arsize: UInt(3), arburst: UInt(2), arvalid: Bool, arready: Flip(Bool),
    rid: Flip(UInt(s.idBits)), rdata: Flip(UInt(s.dataBits)), rresp: Flip(UInt(2)), rlast: Flip(Bool), rvalid: Flip(Bool), rready: Bool,
  };
}

export function axiWriteFields(s: AxiShape) {
  return {
    awid: UInt(s.idBits), awaddr: UInt(s.addrBits), awlen: UInt(8), awsize: UInt(3), awburst: UInt(2), awvalid: Bool, awready: Flip(Bool),
    wdata: UInt(s.dataBits), wstrb: UInt(s.dataBits / 8), wlast: Bool, wvalid: Bool, wready: Flip(Bool),
    bid: Flip(UInt(s.idBits)), bresp: Flip(UInt(2)), bvalid: Flip(Bool), bready: Bool,
  };
}

/** The read channels (AR, R) of an AXI4 master. */
export const AxiRead = (s: AxiShape) => Struct(axiReadFields(s));
/** The write channels (AW, W, B) of an AXI4 master. */
export const AxiWrite = (s: AxiShape) => Struct(axiWriteFields(s));
/** A full AXI4 master: read and write channels. */
export const Axi4 = (s: AxiShape) => Struct({ ...axiWriteFields(s), ...axiReadFields(s) });

/** The AXI4 fields a slave drives (everything else the master drives). */
export const AXI_FROM_SLAVE = ['arready', 'rid', 'rdata', 'rresp', 'rlast', 'rvalid', 'awready', 'wready', 'bid', 'bresp', 'bvalid'];
/** The AXI4-Lite fields a slave drives. */
export const AXIL_FROM_SLAVE = ['awready', 'wready', 'bresp', 'bvalid', 'arready', 'rdata', 'rresp', 'rvalid'];

/**
 * Wires a bus between two bundle values field by field: `toward` is the side `fromSlave` fields flow into (a
 * master, or a parent's master port), `away` the other. Only the fields of `names` (default: all of `away`).
 */
export function connectBus(toward: object, away: object, fromSlave: readonly string[], names?: readonly string[]): void {
  const t = toward as Record<string, Wire>, a = away as Record<string, Wire>;
  for (const k of names ?? Object.keys(a)) {
    if (!(k in t) || !(k in a)) throw new Error(`connectBus: '${k}' missing`);
    if (fromSlave.includes(k)) t[k]!.set(a[k] as Sig);
    else a[k]!.set(t[k] as Sig);
  }
}
