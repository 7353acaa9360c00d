// The option area of an outgoing segment: NOP NOP TS, then NOP NOP SACK with up to four blocks (Linux's layout).
import { UInt, cat, lit, mux, type Sig } from '../../dsl/index.ts';
import { MAX_SACK_BLOCKS } from './types.ts';
import { word, words16 } from './header-sum.ts';

export interface OptionInputs {
  ts_enabled: Sig; tsval: Sig; ts_ecr: Sig; sack_count: Sig; sack: { left: Sig; right: Sig }[];
  /** A SYN's options instead (types.ts synOptionFields). */
  syn?: { opts: Sig; mss: Sig; sack_ok: Sig; ws_ok: Sig; ws: Sig };
}

export interface OptionArea {
  /** The 40 option bytes, the first on the wire most significant; bytes past `length` are zero. */
  bits: Sig;
  /** Option bytes in use: 0, 12, 12/16/24/... (a multiple of 4, at most 40). */
  length: Sig;
  /** 16-bit words whose ones'-complement sum is the area's contribution to the TCP checksum. */
  sumTerms: Sig[];
}

/** Big-endian bytes of a signal (width a multiple of 8), most significant first. */
export function bytesBE(x: Sig): Sig[] {
  return Array.from({ length: x.width / 8 }, (_, i) => x.slice(x.width - 1 - 8 * i, x.width - 8 - 8 * i));
}

export function tcpOptionArea(o: OptionInputs): OptionArea {
  if (!o.syn) return dataOptionArea(o, o.ts_enabled, o.sack_count);
  const syn = o.syn;
  // In a SYN the data-segment area is forced empty (its terms all gate to zero), and the SYN area takes over.
  const data = dataOptionArea(o, o.ts_enabled.land(syn.opts.lnot()), mux(syn.opts, lit(0, UInt(3)), o.sack_count));
  const area = synOptionArea(syn, o.ts_enabled, o.tsval, o.ts_ecr);
  return {
    bits: mux(syn.opts, area.bits, data.bits),
    length: mux(syn.opts, area.length, data.length),
    sumTerms: [...data.sumTerms, ...words16(area.bits).map((w) => mux(syn.opts, w, word(0)))],
  };
}

/**
 * MSS; SACKOK TS | NOP NOP TS | NOP NOP SACKOK; NOP WS: 4 to 20 bytes, zero past the length, so the checksum
 * terms are simply the area's 16-bit words.
 */
function synOptionArea(s: { mss: Sig; sack_ok: Sig; ws_ok: Sig; ws: Sig }, ts: Sig, tsval: Sig, tsecr: Sig) {
  const mssOpt = cat(lit(0x0204, UInt(16)), s.mss);
  const wsOpt = mux(s.ws_ok, cat(lit(0x010303, UInt(24)), s.ws.zext(8)), lit(0, UInt(32)));
  const tsOpt = cat(mux(s.sack_ok, lit(0x0402, UInt(16)), lit(0x0101, UInt(16))), lit(0x080a, UInt(16)), tsval, tsecr);
  const withTs = cat(mssOpt, tsOpt, wsOpt, lit(0, UInt(160)));
  const sackOnly = cat(mssOpt, lit(0x01010402, UInt(32)), wsOpt, lit(0, UInt(224)));
  const plain = cat(mssOpt, wsOpt, lit(0, UInt(256)));
  const bits = mux(ts, withTs, mux(s.sack_ok, sackOnly, plain)).named('synOptions');
  const middle = mux(ts, lit(12, UInt(6)), mux(s.sack_ok, lit(4, UInt(6)), lit(0, UInt(6))));
  const length = middle.add(4).add(mux(s.ws_ok, lit(4, UInt(6)), lit(0, UInt(6))));
  return { bits, length };
}

function dataOptionArea(o: OptionInputs, ts: Sig, sackCount: Sig): OptionArea {
  // At most 3 blocks fit beside timestamps, 4 without.
  const maxBlocks = mux(ts, lit(3, UInt(3)), lit(MAX_SACK_BLOCKS, UInt(3)));
  const sackBlocks = mux(sackCount.gt(maxBlocks), maxBlocks, sackCount);
  const hasSack = sackBlocks.orR();
  const sackLen = sackBlocks.zext(6).shl(3).add(2); // kind 5, length 2 + 8n
  const sackAreaLen = mux(hasSack, sackLen.add(2), lit(0, UInt(6)));
  const length = mux(ts, sackAreaLen.add(12), sackAreaLen);

  // NOP NOP kind=8 len=10 TSval TSecr (12 bytes); NOP NOP kind=5 len SACK blocks (up to 36 bytes).
  const tsArea = cat(lit(0x0101080a, UInt(32)), o.tsval, o.ts_ecr);
  const sackHead = mux(hasSack, cat(lit(0x010105, UInt(24)), sackLen.zext(8)), lit(0, UInt(32)));
  const blockUsed = o.sack.map((_, b) => sackBlocks.gt(b).named(`sackBlock${b}Used`));
  const sackBlockBits = o.sack.map((blk, b) => mux(blockUsed[b]!, cat(blk.left, blk.right), lit(0, UInt(64))).named(`sackBlock${b}`));
  const sackArea = cat(sackHead, ...sackBlockBits); // 288 bits
  const withTs = cat(tsArea, sackArea.slice(287, 288 - 28 * 8)); // 12 + 28 bytes: three blocks fit
  const withoutTs = cat(sackArea, lit(0, UInt(32)));
  const bits = mux(ts, withTs, withoutTs);

  const gate = (c: Sig, w: Sig) => mux(c, w, word(0));
  const sumTerms = [
    gate(ts, word(0x0101)), gate(ts, word(0x080a)),
    ...[o.tsval.slice(31, 16), o.tsval.slice(15, 0), o.ts_ecr.slice(31, 16), o.ts_ecr.slice(15, 0)].map((w) => gate(ts, w)),
    sackHead.slice(31, 16), sackHead.slice(15, 0),
    ...sackBlockBits.flatMap((blk) => [blk.slice(63, 48), blk.slice(47, 32), blk.slice(31, 16), blk.slice(15, 0)]),
  ];
  return { bits, length, sumTerms };
}
