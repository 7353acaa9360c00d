// Behaviour of the datapath examples in Icarus Verilog against TypeScript models: ALU, LFSR, the 130-bit
// pipeline and the UART transmitter's bit timing.
import { describe, expect, it } from 'vitest';
import { Alu, AluOp } from '../../examples/alu.ts';
import { Lfsr, tapMask, type LfsrParams } from '../../examples/lfsr.ts';
import { WideDatapath, rotateBits } from '../../examples/wide-datapath.ts';
import { UartTx } from '../../examples/uart-tx.ts';
import { buildDut, hasIverilog, rng, streamTb, vectorTb, type Vector } from './iverilog-tb.ts';

const mask = (w: number) => (1n << BigInt(w)) - 1n;
const signedOf = (x: bigint, w: number) => (x >> BigInt(w - 1) ? x - (1n << BigInt(w)) : x);

describe.runIf(hasIverilog())('examples in Icarus Verilog: datapaths', () => {
  // -------------------------------------------------------------------------------------------
  // ALU

  function aluModel(w: number, op: number, a: bigint, b: bigint) {
    const m = mask(w);
    const sh = b & ((1n << BigInt(Math.max(1, Math.ceil(Math.log2(w))))) - 1n);
    const top = (x: bigint) => (x >> BigInt(w - 1)) & 1n;
    let y = 0n, carry = 0n, overflow = 0n;
    switch (op) {
      case AluOp.ADD: y = (a + b) & m; carry = (a + b) >> BigInt(w); overflow = top(a) === top(b) && top(y) !== top(a) ? 1n : 0n; break;
      case AluOp.SUB: y = (a - b) & m; carry = a < b ? 1n : 0n; overflow = top(a) !== top(b) && top(y) !== top(a) ? 1n : 0n; break;
      case AluOp.AND: y = a & b; break;
      case AluOp.OR: y = a | b; break;
      case AluOp.XOR: y = a ^ b; break;
      case AluOp.SLL: y = (a << sh) & m; break;
      case AluOp.SRL: y = a >> sh; break;
      case AluOp.SRA: y = (signedOf(a, w) >> sh) & m; break;
      case AluOp.SLT: y = signedOf(a, w) < signedOf(b, w) ? 1n : 0n; break;
      case AluOp.SLTU: y = a < b ? 1n : 0n; break;
      case AluOp.MUL: y = (a * b) & m; break;
      default: y = 0n;
    }
    return { y, zero: y === 0n ? 1n : 0n, negative: top(y), carry, overflow };
  }

  for (const w of [32, 13]) {
    it(`alu width ${w}: every op, random and corner operands, matches the model (signed and unsigned)`, () => {
      const dut = buildDut(Alu, { width: w });
      const r = rng(w);
      const corners = [0n, 1n, 2n, mask(w), mask(w) - 1n, 1n << BigInt(w - 1), (1n << BigInt(w - 1)) - 1n, (1n << BigInt(w - 1)) + 1n];
      const vectors: Vector[] = [];
      for (let op = 0; op < 16; op++) {
        for (const a of corners) for (const b of corners) vectors.push({ op, a, b });
        for (let i = 0; i < 60; i++) {
          // Small b for the shifts now and then, so shifts below the width are common.
          const b = op >= AluOp.SLL && op <= AluOp.SRA && r.bool() ? BigInt(r.int(w + 3)) : r.bits(w);
          vectors.push({ op, a: r.bits(w), b });
        }
      }
      const got = vectorTb(dut, vectors);
      vectors.forEach((v, i) => {
        const exp = aluModel(w, Number(v.op), BigInt(v.a!), BigInt(v.b!));
        expect({ op: v.op, a: v.a, b: v.b, ...got[i] }).toEqual({ op: v.op, a: v.a, b: v.b, ...exp });
      });
    });
  }

  // -------------------------------------------------------------------------------------------
  // LFSR

  function lfsrStep(p: LfsrParams, s: bigint): bigint {
    const w = BigInt(p.width);
    if (p.kind === 'galois') return (s & 1n) ? (s >> 1n) ^ tapMask(p.taps) : s >> 1n;
    const fb = p.taps.reduce((acc, t) => acc ^ ((s >> BigInt(t - 1)) & 1n), 0n);
    return ((s << 1n) | fb) & ((1n << w) - 1n);
  }

  for (const kind of ['galois', 'fibonacci'] as const) {
    it(`lfsr ${kind}: the model has the full period 2^n - 1, and the hardware follows it through enable and load`, () => {
      const p: LfsrParams = { width: 8, taps: [8, 6, 5, 4], kind };
      // The model: a primitive polynomial visits all 255 non-zero states.
      const seen = new Set<bigint>();
      let s = 1n;
      do { seen.add(s); s = lfsrStep(p, s); } while (s !== 1n && seen.size < 1000);
      expect(seen.size).toBe(255);

      const dut = buildDut(Lfsr, p);
      const r = rng(kind === 'galois' ? 3 : 4);
      const vectors: Vector[] = [{ rst: 1, enable: 0, load: 0, seed: 0 }];
      for (let i = 0; i < 300; i++) vectors.push({ rst: 0, enable: 1, load: 0 });
      for (let i = 0; i < 300; i++) {
        const load = r.bool(0.03);
        vectors.push({ rst: 0, enable: r.bool(0.8), load, seed: load ? BigInt(1 + r.int(255)) : 0 });
      }
      const got = vectorTb(dut, vectors);
      let state = 0n;
      vectors.forEach((v, i) => {
        if (v.rst) state = 1n;
        else if (v.load) state = BigInt(v.seed!);
        else if (v.enable) state = lfsrStep(p, state);
        const out = kind === 'galois' ? state & 1n : state >> 7n;
        expect({ i, state: got[i]!.state, out: got[i]!.out }).toEqual({ i, state, out });
      });
      // 255 enabled steps after reset come back to the reset value.
      expect(got[255]!.state).toBe(1n);
    });
  }

  it('lfsr 16-bit Galois (the registered one) matches the model over 2000 steps', () => {
    const p: LfsrParams = { width: 16, taps: [16, 14, 13, 11], kind: 'galois' };
    const dut = buildDut(Lfsr, p);
    const vectors: Vector[] = [{ rst: 1 }, { rst: 0, load: 1, seed: 0xace1 }];
    for (let i = 0; i < 2000; i++) vectors.push({ load: 0, enable: 1 });
    const got = vectorTb(dut, vectors);
    let s = 0xace1n;
    for (let i = 2; i < vectors.length; i++) {
      s = lfsrStep(p, s);
      expect(got[i]!.state).toBe(s);
    }
  });

  // -------------------------------------------------------------------------------------------
  // 130-bit pipeline

  for (const w of [130, 67]) {
    it(`wide_datapath width ${w}: add/xor/rotate/accumulate pipeline matches a cycle-accurate model`, () => {
      const dut = buildDut(WideDatapath, { width: w });
      const m = mask(w);
      const rb = rotateBits(w);
      const r = rng(w);
      const vectors: Vector[] = [{ rst: 1 }];
      for (let i = 0; i < 300; i++) {
        // Mostly random operands, sometimes all-ones to force carries.
        const a = r.bool(0.1) ? m : r.bits(w);
        const b = r.bool(0.1) ? m : r.bits(w);
        vectors.push({ rst: 0, in_valid: r.bool(0.8), a, b, rot: BigInt(r.int(1 << rb)), clear: r.bool(0.03) });
      }
      const got = vectorTb(dut, vectors);
      const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (BigInt(w) - k))) & m;
      // Registers of the model (undefined = never loaded since reset, x in hardware).
      let s1 = { valid: 0n, sum: 0n, carry: 0n, mix: 0n, rot: 0n };
      let s2 = { valid: 0n, mixed: 0n, carry: 0n };
      let s3 = { valid: 0n, result: 0n, carry: 0n };
      let acc = 0n, accCarry = 0n;
      let checked = 0;
      vectors.forEach((v, i) => {
        if (v.rst) {
          s1.valid = 0n; s2.valid = 0n; s3.valid = 0n; acc = 0n; accCarry = 0n;
        } else {
          const n1 = { ...s1 }, n2 = { ...s2 }, n3 = { ...s3 };
          let nAcc = acc, nAccCarry = accCarry;
          n1.valid = v.in_valid ? 1n : 0n;
          if (v.in_valid) {
            const a = BigInt(v.a!), b = BigInt(v.b!);
            n1.sum = (a + b) & m; n1.carry = (a + b) >> BigInt(w); n1.mix = a ^ b; n1.rot = BigInt(v.rot!);
          }
          n2.valid = s1.valid;
          if (s1.valid) { n2.mixed = s1.sum ^ rotl(s1.mix, s1.rot); n2.carry = s1.carry; }
          n3.valid = s2.valid;
          if (s2.valid) {
            const t = acc + s2.mixed;
            nAcc = t & m; nAccCarry = accCarry | (t >> BigInt(w));
            n3.result = s2.mixed; n3.carry = s2.carry;
          }
          if (v.clear) { nAcc = 0n; nAccCarry = 0n; }
          s1 = n1; s2 = n2; s3 = n3; acc = nAcc; accCarry = nAccCarry;
        }
        const g = got[i]!;
        expect({ i, out_valid: g.out_valid, acc: g.acc, acc_carry: g.acc_carry }).toEqual({ i, out_valid: s3.valid, acc, acc_carry: accCarry });
        if (s3.valid) {
          expect({ i, result: g.result, sum_carry: g.sum_carry }).toEqual({ i, result: s3.result, sum_carry: s3.carry });
          checked++;
        }
      });
      expect(checked).toBeGreaterThan(150);
      // The sticky carry was exercised.
      expect(got.some((g) => g.acc_carry === 1n)).toBe(true);
    });
  }

  // -------------------------------------------------------------------------------------------
  // UART transmitter

  /** Decodes 8N1 frames from per-cycle txd samples, checking that every bit lasts exactly cpb cycles. */
  function decodeUart(txd: bigint[], cpb: number) {
    const frames: { start: number; byte: number }[] = [];
    let i = 0;
    while (i < txd.length) {
      if (txd[i] === 1n) { i++; continue; }
      const start = i;
      if (start + 10 * cpb > txd.length) break;
      const bits: bigint[] = [];
      for (let k = 0; k < 10; k++) {
        const seg = txd.slice(start + k * cpb, start + (k + 1) * cpb);
        const v = seg[0]!;
        if (!seg.every((x) => x === v)) throw new Error(`bit ${k} of the frame at cycle ${start} is not steady for ${cpb} cycles: ${seg.join('')}`);
        bits.push(v);
      }
      if (bits[0] !== 0n || bits[9] !== 1n) throw new Error(`bad start/stop bit in the frame at cycle ${start}`);
      frames.push({ start, byte: bits.slice(1, 9).reduce((acc, b, k) => acc | (Number(b) << k), 0) });
      i = start + 10 * cpb;
    }
    return frames;
  }

  for (const { cpb, validPct } of [{ cpb: 7, validPct: 100 }, { cpb: 4, validPct: 30 }, { cpb: 2, validPct: 100 }]) {
    it(`uart_tx ${cpb} clocks per bit (${validPct}% valid): 8N1 frames, LSB first, exact bit timing`, () => {
      const dut = buildDut(UartTx, { clksPerBit: cpb });
      const r = rng(cpb);
      const bytes = [0x55, 0x00, 0xff, 0x01, 0x80, ...Array.from({ length: 20 }, () => r.int(256))];
      const frameCycles = 10 * cpb;
      const res = streamTb(dut, {
        clocks: [{ clock: 'clk', reset: 'rst', half: 5 }],
        sources: [{ prefix: 'in', clock: 'clk', beats: bytes.map((b) => ({ tdata: BigInt(b) })), validPct }],
        monitors: [{ clock: 'clk', signals: ['txd', 'busy'] }],
        // No sink: run until every byte is taken, then long enough for the last frame to leave.
        drain: frameCycles + 5,
        maxCycles: 4 + bytes.length * (frameCycles + 40) + 50,
      });
      const mon = res.monitors.clk!;
      // Sample c is the value during cycle c; sample 0 precedes the first (reset) edge, so txd is x there.
      const txd = mon.map((s) => s.txd);
      expect(txd.slice(1).every((x) => x !== undefined)).toBe(true);
      // The line idles high out of reset.
      expect(txd.slice(1, 4)).toEqual([1n, 1n, 1n]);
      const frames = decodeUart([1n, ...txd.slice(1) as bigint[]], cpb);
      expect(frames.map((f) => f.byte)).toEqual(bytes);
      // Each frame starts the cycle after its byte is accepted.
      expect(frames.map((f) => f.start)).toEqual(res.accepted.in!.map((c) => c + 1));
      if (validPct === 100) {
        // Back to back: no idle cycle between frames.
        for (let k = 1; k < frames.length; k++) expect(frames[k]!.start - frames[k - 1]!.start).toBe(frameCycles);
      }
      // busy is high exactly while a frame is on the line.
      const end = frames.at(-1)!.start + frameCycles;
      for (let c = 1; c < Math.min(end, mon.length); c++) {
        const inFrame = frames.some((f) => c >= f.start && c < f.start + frameCycles);
        expect({ c, busy: mon[c]!.busy }).toEqual({ c, busy: inFrame ? 1n : 0n });
      }
    });
  }
});
