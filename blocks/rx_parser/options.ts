// TCP option parsing as a pipeline: the 40-byte option area is walked in chunks of CHUNK positions, one chunk
// per pipeline stage, so a frame enters every cycle and each stage's logic walks only CHUNK positions.
import { Bool, UInt, lit, mux, type ModuleBuilder, type Sig } from '../../dsl/index.ts';

/** Option area bytes (data offset 15). */
export const OPTION_AREA = 40;
/** Option start positions examined per pipeline stage. */
export const CHUNK = 6;
/** Pipeline stages of the walk (registers after each). */
export const OPTION_STAGES = Math.ceil(OPTION_AREA / CHUNK);

const KIND_EOL = 0, KIND_NOP = 1, KIND_MSS = 2, KIND_WSCALE = 3, KIND_SACK_PERMITTED = 4, KIND_SACK = 5, KIND_TIMESTAMPS = 8;

/** The walk's state between chunks: where the next option starts, and what was found so far. */
export interface OptionState {
  /** Position of the next option (0..40); options start only below optLen. */
  cursor: Sig;
  /** An EOL or a malformed option ended the walk. */
  stopped: Sig;
  malformed: Sig;
  mssPresent: Sig;
  mss: Sig;
  wscalePresent: Sig;
  wscale: Sig;
  sackPermitted: Sig;
  tsPresent: Sig;
  tsVal: Sig;
  tsEcr: Sig;
  sackCount: Sig;
  sackLeft: Sig[];
  sackRight: Sig[];
}

export function initialOptionState(sackBlocks: number): OptionState {
  const z = (w: number) => lit(0, UInt(w));
  return {
    cursor: z(6), stopped: z(1), malformed: z(1), mssPresent: z(1), mss: z(16), wscalePresent: z(1), wscale: z(8),
    sackPermitted: z(1), tsPresent: z(1), tsVal: z(32), tsEcr: z(32), sackCount: z(3),
    sackLeft: Array.from({ length: sackBlocks }, () => z(32)), sackRight: Array.from({ length: sackBlocks }, () => z(32)),
  };
}

/** The n bytes from position `at` as a big-endian number; bytes past the area read 0. */
function beAt(byte: (pos: number) => Sig, at: number, n: number): Sig {
  let v = byte(at);
  for (let i = 1; i < n; i++) v = v.zext(v.width + 8).shl(8).or(byte(at + i).zext(v.width + 8));
  return v;
}

/** OR of the values whose hit bit is set (at most one is): a one-hot select. */
function selectHit(hits: [hit: Sig, value: Sig][]): Sig {
  return hits.map(([hit, v]) => mux(hit, v, lit(0, UInt(v.width)))).reduce((a, b) => a.or(b));
}

/**
 * Walks the option starts at positions first..first+count-1 (combinational). `byte(pos)` gives option byte
 * pos (0 past the area); `optLen` (6 bits) is the area's length, 4*data offset - 20. Later options override
 * earlier ones of the same kind. Only the cursor (where the next option starts) is a chain through the
 * positions; everything else about a position is decoded beside it.
 */
export function walkChunk(byte: (pos: number) => Sig, optLen: Sig, first: number, count: number, s: OptionState): OptionState {
  if (count > 10) throw new Error('walkChunk: at most 10 positions per chunk (a timestamps or SACK option is >= 10 bytes)');
  const n = { ...s, sackLeft: [...s.sackLeft], sackRight: [...s.sackRight] };
  const fitsAt = (pos: number, bytes: number) => pos + bytes <= OPTION_AREA; // a longer option cannot start here
  const tsHits: [Sig, Sig][] = [];
  const sackHits: { hit: Sig; count: Sig; left: Sig[]; right: Sig[] }[] = [];
  for (let pos = first; pos < Math.min(first + count, OPTION_AREA); pos++) {
    const kind = byte(pos);
    const len = byte(pos + 1);
    const isEol = kind.eq(KIND_EOL);
    const isNop = kind.eq(KIND_NOP);
    const optionEnd = lit(pos, UInt(9)).add(len.zext(9));
    const lenFits = lit(pos + 1, UInt(6)).lt(optLen).land(len.ge(2)).land(optionEnd.le(optLen.zext(9)));
    const sizedOk = isEol.lor(isNop).lnot().land(lenFits);
    const goesOn = isNop.lor(sizedOk);
    const jump = mux(isNop, lit(pos + 1, UInt(6)), optionEnd.trunc(6));

    const isStart = n.stopped.lnot().land(n.cursor.eq(pos)).land(lit(pos, UInt(6)).lt(optLen));
    n.cursor = mux(isStart.land(goesOn), jump, n.cursor);
    n.stopped = n.stopped.lor(isStart.land(goesOn.lnot()));
    const good = isStart.land(sizedOk);
    const bad = isStart.land(isEol.lor(isNop).lor(lenFits).lnot());
    n.malformed = n.malformed.lor(bad);
    const is = (k: number, l: number) => good.land(kind.eq(k)).land(len.eq(l));

    if (fitsAt(pos, 4)) {
      const isMss = is(KIND_MSS, 4);
      n.mssPresent = n.mssPresent.lor(isMss);
      n.mss = mux(isMss, beAt(byte, pos + 2, 2), n.mss);
    }
    if (fitsAt(pos, 3)) {
      const isWscale = is(KIND_WSCALE, 3);
      n.wscalePresent = n.wscalePresent.lor(isWscale);
      n.wscale = mux(isWscale, byte(pos + 2), n.wscale);
    }
    if (fitsAt(pos, 2)) n.sackPermitted = n.sackPermitted.lor(is(KIND_SACK_PERMITTED, 2));
    if (fitsAt(pos, 10)) {
      tsHits.push([is(KIND_TIMESTAMPS, 10), beAt(byte, pos + 2, 8)]);
      // SACK: 2 + 8k bytes, k >= 1 blocks; blocks past k read 0.
      const blocks = len.slice(5, 3);
      const block = (b: number, at: number) => mux(blocks.gt(b), beAt(byte, pos + at + 8 * b, 4), lit(0, UInt(32)));
      sackHits.push({
        hit: good.land(kind.eq(KIND_SACK)).land(len.ge(10)).land(len.slice(2, 0).eq(2)),
        count: blocks,
        left: n.sackLeft.map((_, b) => block(b, 2)),
        right: n.sackRight.map((_, b) => block(b, 6)),
      });
    }
  }
  // Timestamps and SACK options are >= 10 bytes: at most one of each starts in the chunk.
  if (tsHits.length) {
    const ts = selectHit(tsHits);
    const anyTs = tsHits.map(([h]) => h).reduce((a, b) => a.lor(b));
    n.tsPresent = n.tsPresent.lor(anyTs);
    n.tsVal = mux(anyTs, ts.slice(63, 32), n.tsVal);
    n.tsEcr = mux(anyTs, ts.slice(31, 0), n.tsEcr);
  }
  if (sackHits.length) {
    const anySack = sackHits.map((h) => h.hit).reduce((a, b) => a.lor(b));
    n.sackCount = mux(anySack, selectHit(sackHits.map((h) => [h.hit, h.count])), n.sackCount);
    for (let b = 0; b < n.sackLeft.length; b++) {
      n.sackLeft[b] = mux(anySack, selectHit(sackHits.map((h) => [h.hit, h.left[b]!])), n.sackLeft[b]!);
      n.sackRight[b] = mux(anySack, selectHit(sackHits.map((h) => [h.hit, h.right[b]!])), n.sackRight[b]!);
    }
  }
  return n;
}

/**
 * The whole walk as OPTION_STAGES pipeline stages: `bytes` (40 option bytes) and `optLen` enter with `valid`;
 * the result leaves OPTION_STAGES cycles later with its own valid. The pipeline never stalls: whoever feeds it
 * must have room for what comes out.
 */
export function optionPipeline(m: ModuleBuilder, valid: Sig, bytes: readonly Sig[], optLen: Sig, sackBlocks: number) {
  let stageValid = valid;
  let stageLen = optLen;
  let stageBytes = [...bytes]; // stageBytes[i] is option byte stageFirst + i
  let stageFirst = 0;
  let state = initialOptionState(sackBlocks);
  for (let c = 0; c < OPTION_STAGES; c++) {
    const from = stageFirst, held = stageBytes;
    const byte = (pos: number) => (pos < OPTION_AREA && pos - from < held.length ? held[pos - from]! : lit(0, UInt(8)));
    const next = walkChunk(byte, stageLen, c * CHUNK, CHUNK, state);
    // Register the stage: valid, the walk state, the length and the bytes later chunks still read.
    const reg = (v: Sig, name: string): Sig => {
      const r = m.reg(UInt(v.width)).named(`opt${c}_${name}`);
      r.set(v);
      return r;
    };
    const v = m.reg(Bool, { reset: false }).named(`opt${c}_valid`);
    v.set(stageValid);
    stageValid = v;
    stageLen = reg(stageLen, 'len');
    stageFirst = (c + 1) * CHUNK;
    stageBytes = held.slice(stageFirst - from).map((b, i) => reg(b, `byte${stageFirst + i}`));
    state = {
      cursor: reg(next.cursor, 'cursor'), stopped: reg(next.stopped, 'stopped'), malformed: reg(next.malformed, 'malformed'),
      mssPresent: reg(next.mssPresent, 'mss_present'), mss: reg(next.mss, 'mss'),
      wscalePresent: reg(next.wscalePresent, 'wscale_present'), wscale: reg(next.wscale, 'wscale'),
      sackPermitted: reg(next.sackPermitted, 'sack_permitted'),
      tsPresent: reg(next.tsPresent, 'ts_present'), tsVal: reg(next.tsVal, 'ts_val'), tsEcr: reg(next.tsEcr, 'ts_ecr'),
      sackCount: reg(next.sackCount, 'sack_count'),
      sackLeft: next.sackLeft.map((x, b) => reg(x, `sack_left_${b}`)),
      sackRight: next.sackRight.map((x, b) => reg(x, `sack_right_${b}`)),
    };
  }
  return { valid: stageValid, state };
}

/** The option metadata fields (names of meta.ts's optionFields) from a finished walk. */
export function optionFieldValues(s: OptionState): Record<string, Sig> {
  const out: Record<string, Sig> = {
    mss_present: s.mssPresent, mss: s.mss, wscale_present: s.wscalePresent, wscale: s.wscale,
    sack_permitted: s.sackPermitted, ts_present: s.tsPresent, ts_val: s.tsVal, ts_ecr: s.tsEcr,
    sack_count: s.sackCount, opt_malformed: s.malformed,
  };
  s.sackLeft.forEach((x, b) => { out[`sack_left_${b}`] = x; });
  s.sackRight.forEach((x, b) => { out[`sack_right_${b}`] = x; });
  return out;
}
