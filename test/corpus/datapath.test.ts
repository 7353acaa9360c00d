// The datapath examples through the harness on every back end, against TypeScript models: counter, LFSR,
// ALU (every opcode, flags), the 130-bit pipeline, and the UART transmitter's bit timing.
// (The same checks run on Icarus in test/examples/datapath.test.ts.)
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { simBackends } from '../backends.ts';
import { Counter } from '../../examples/counter.ts';
import { Lfsr, tapMask, type LfsrParams } from '../../examples/lfsr.ts';
import { Alu, AluOp } from '../../examples/alu.ts';
import { WideDatapath, rotateBits } from '../../examples/wide-datapath.ts';
import { UartTx } from '../../examples/uart-tx.ts';
import { mask, Rng, signedOf, simFixture } from './util.ts';

describe.each(simBackends())('datapath examples on %s', (backend) => {
  // -------------------------------------------------------------------------------------------
  // Counter

  describe('counter', () => {
    const counter8 = simFixture(Counter, { width: 8 }, { backend });
    const counter32 = simFixture(Counter, { width: 32 }, { backend });

    it('8-bit: counts with enable, clears, wraps with a one-cycle wrap pulse', () => {
      const sim = counter8();
      sim.poke('enable', 0); sim.poke('clear', 0);
      sim.reset();
      sim.expectPort('count', 0);
      sim.step(3);
      sim.expectPort('count', 0, 'disabled');
      sim.poke('enable', 1);
      sim.step(5);
      sim.expectPort('count', 5);
      sim.poke('clear', 1);
      sim.expectPort('wrap', 0);
      sim.step();
      sim.expectPort('count', 0, 'clear');
      sim.poke('clear', 0);
      // From 0 the wrap pulse comes with count = 255, at the 255th cycle.
      const waited = sim.until(() => sim.peek('wrap') === 1, { timeout: 300, what: 'wrap' });
      expect(waited).toBe(255);
      sim.expectPort('count', 255);
      sim.step();
      sim.expectPort('count', 0);
      sim.expectPort('wrap', 0);
      // At 255 with clear high, no wrap pulse and the count clears; with enable low, no pulse either.
      sim.step(255);
      sim.expectPort('count', 255);
      sim.poke('clear', 1);
      sim.expectPort('wrap', 0, 'clear wins');
      sim.poke('clear', 0); sim.poke('enable', 0);
      sim.expectPort('wrap', 0, 'disabled');
      sim.step(4);
      sim.expectPort('count', 255, 'holds');
    });

    it('8-bit: random enable/clear for 5000 cycles matches a model, wrap every cycle', () => {
      const sim = counter8();
      sim.poke('enable', 0); sim.poke('clear', 0);
      sim.reset();
      const r = new Rng(8);
      let count = 0, wraps = 0;
      for (let i = 0; i < 5000; i++) {
        const enable = r.bool(0.9), clear = r.bool(0.002);
        sim.poke('enable', enable); sim.poke('clear', clear);
        const wrap = count === 255 && enable && !clear;
        sim.expectPort('wrap', wrap, `cycle ${i}`);
        if (wrap) wraps++;
        sim.step();
        count = clear ? 0 : enable ? (count + 1) & 255 : count;
        sim.expectPort('count', count, `cycle ${i}`);
      }
      expect(wraps).toBeGreaterThan(5);
    });

    it('32-bit (as registered): counts, holds and clears; the count reads as a non-negative number', () => {
      const sim = counter32();
      sim.poke('enable', 1); sim.poke('clear', 0);
      sim.reset();
      sim.step(1000);
      expect(sim.peek('count')).toBe(1000);
      sim.poke('enable', 0);
      sim.step(10);
      expect(sim.peekN('count')).toBe(1000);
      sim.poke('clear', 1);
      sim.step();
      expect(sim.peek('count')).toBe(0);
      expect(sim.peek('wrap')).toBe(0);
    });
  });

  // -------------------------------------------------------------------------------------------
  // LFSR

  function lfsrStep(p: LfsrParams, s: bigint): bigint {
    if (p.kind === 'galois') return (s & 1n) ? (s >> 1n) ^ tapMask(p.taps) : s >> 1n;
    const fb = p.taps.reduce((acc, t) => acc ^ ((s >> BigInt(t - 1)) & 1n), 0n);
    return ((s << 1n) | fb) & mask(p.width);
  }

  describe('lfsr', () => {
    const reg: LfsrParams = { width: 16, taps: [16, 14, 13, 11], kind: 'galois' };
    const lfsr16 = simFixture(Lfsr, reg, { backend });
    const small = {
      galois: simFixture(Lfsr, { width: 8, taps: [8, 6, 5, 4], kind: 'galois' }, { backend }),
      fibonacci: simFixture(Lfsr, { width: 8, taps: [8, 6, 5, 4], kind: 'fibonacci' }, { backend }),
    };

    it('16-bit Galois (as registered): follows the model through its whole period of 65535', () => {
      const sim = lfsr16();
      sim.poke('load', 0); sim.poke('enable', 0); sim.poke('seed', 0);
      sim.reset();
      sim.expectPort('state', 1, 'reset value');
      sim.poke('enable', 1);
      const state = sim.port('state'), out = sim.port('out');
      let s = 1n;
      for (let i = 1; i <= 65535; i++) {
        sim.step();
        s = lfsrStep(reg, s);
        sim.eval();
        if (BigInt(state.get()) !== s || BigInt(out.get()) !== (s & 1n)) sim.expectPort('state', s, `step ${i}`);
        if (i < 65535 && s === 1n) throw new Error(`the model returned to 1 after ${i} steps`);
      }
      expect(s).toBe(1n);
      // load has priority over enable.
      sim.poke('load', 1); sim.poke('seed', 0xace1);
      sim.step();
      sim.expectPort('state', 0xace1);
      sim.poke('load', 0);
      sim.step();
      sim.expectPort('state', lfsrStep(reg, 0xace1n));
    });

    for (const kind of ['galois', 'fibonacci'] as const) {
      it(`8-bit ${kind}: full period 255, then random enable and load match the model`, () => {
        const p: LfsrParams = { width: 8, taps: [8, 6, 5, 4], kind };
        const sim = small[kind]();
        sim.poke('load', 0); sim.poke('enable', 0); sim.poke('seed', 0);
        sim.reset();
        sim.poke('enable', 1);
        let s = 1n;
        const seen = new Set<number>();
        for (let i = 0; i < 255; i++) { seen.add(sim.peekN('state')); sim.step(); s = lfsrStep(p, s); }
        expect(seen.size).toBe(255);
        sim.expectPort('state', 1, 'back to the start');
        const r = new Rng(kind === 'galois' ? 3 : 4);
        for (let i = 0; i < 1000; i++) {
          const load = r.bool(0.03), enable = r.bool(0.8), seed = 1 + r.int(255);
          sim.poke('load', load); sim.poke('enable', enable); sim.poke('seed', seed);
          sim.step();
          s = load ? BigInt(seed) : enable ? lfsrStep(p, s) : s;
          sim.expectPort('state', s, `cycle ${i}`);
          sim.expectPort('out', kind === 'galois' ? s & 1n : s >> 7n, `cycle ${i}`);
        }
        // An all-zero seed locks the register at zero.
        sim.poke('load', 1); sim.poke('seed', 0); sim.step(); sim.poke('load', 0); sim.poke('enable', 1);
        sim.step(20);
        sim.expectPort('state', 0, 'locked');
      });
    }
  });

  // -------------------------------------------------------------------------------------------
  // ALU

  function aluModel(w: number, op: number, a: bigint, b: bigint) {
    const m = mask(w);
    const sh = b & ((1n << BigInt(Math.ceil(Math.log2(w)))) - 1n);
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

  describe('alu', () => {
    const widths = [32, 13, 64] as const;
    const alus = Object.fromEntries(widths.map((w) => [w, simFixture(Alu, { width: w }, { backend })]));

    for (const w of widths) {
      it(`width ${w}${w === 32 ? ' (as registered)' : ''}: every opcode on corner operands and fast-check random operands matches the model`, () => {
        const sim = alus[w]!();
        const check = (op: number, a: bigint, b: bigint) => {
          sim.poke('op', op); sim.poke('a', a); sim.poke('b', b);
          const got = { y: sim.peekB('y'), zero: sim.peekB('zero'), negative: sim.peekB('negative'), carry: sim.peekB('carry'), overflow: sim.peekB('overflow') };
          const exp = aluModel(w, op, a, b);
          if (JSON.stringify(got, (_, v) => (typeof v === 'bigint' ? v.toString() : v)) !== JSON.stringify(exp, (_, v) => (typeof v === 'bigint' ? v.toString() : v))) {
            expect({ op, a, b, ...got }).toEqual({ op, a, b, ...exp });
          }
        };
        const m = mask(w), half = 1n << BigInt(w - 1);
        const corners = [0n, 1n, 2n, m, m - 1n, half, half - 1n, half + 1n, BigInt(w - 1), BigInt(w)];
        for (let op = 0; op < 16; op++) for (const a of corners) for (const b of corners) check(op, a, b);
        // Random operands: mostly uniform, sometimes corners, small shift amounts, or operands with equal signs.
        const operand = fc.oneof(
          { weight: 6, arbitrary: fc.bigInt({ min: 0n, max: m }) },
          { weight: 1, arbitrary: fc.constantFrom(...corners) },
          { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: BigInt(w + 3) }) },
        );
        fc.assert(fc.property(fc.integer({ min: 0, max: 15 }), operand, operand, (op, a, b) => { check(op, a, b); }),
          { seed: 0x5eed + w, numRuns: 4000 });
        // Signed view: SLT and SUB's overflow agree with JavaScript on the signed values.
        const r = new Rng(w);
        for (let i = 0; i < 500; i++) {
          const a = r.bits(w), b = r.bits(w);
          sim.poke('op', AluOp.SLT); sim.poke('a', a); sim.poke('b', b);
          expect(sim.peekB('y')).toBe(signedOf(a, w) < signedOf(b, w) ? 1n : 0n);
          sim.poke('op', AluOp.SUB);
          const d = signedOf(a, w) - signedOf(b, w);
          expect(sim.peekB('overflow')).toBe(d < -half || d >= half ? 1n : 0n);
          expect(signedOf(sim.peekB('y'), w)).toBe(signedOf(d & m, w));
        }
      });
    }
  });

  // -------------------------------------------------------------------------------------------
  // 130-bit pipeline

  describe('wide_datapath', () => {
    const widths = [130] as const;
    const sims = Object.fromEntries(widths.map((w) => [w, simFixture(WideDatapath, { width: w }, { backend })]));

    for (const w of widths) {
      it(`width ${w}${w === 130 ? ' (as registered)' : ''}: add/xor/rotate/accumulate matches a cycle-accurate bigint model`, () => {
        const sim = sims[w]!();
        const m = mask(w), rb = rotateBits(w);
        const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (BigInt(w) - k))) & m;
        sim.poke('in_valid', 0); sim.poke('clear', 0); sim.poke('a', 0); sim.poke('b', 0); sim.poke('rot', 0);
        sim.reset();
        let s1 = { valid: 0n, sum: 0n, carry: 0n, mix: 0n, rot: 0n };
        let s2 = { valid: 0n, mixed: 0n, carry: 0n };
        let s3 = { valid: 0n, result: 0n, carry: 0n };
        let acc = 0n, accCarry = 0n, checked = 0, sawCarry = false;
        const r = new Rng(w);
        for (let i = 0; i < 1500; i++) {
          const v = {
            in_valid: r.bool(0.8), a: r.bool(0.1) ? m : r.bits(w), b: r.bool(0.1) ? m : r.bits(w),
            rot: BigInt(r.int(1 << rb)), clear: r.bool(0.02),
          };
          sim.poke('in_valid', v.in_valid); sim.poke('a', v.a); sim.poke('b', v.b); sim.poke('rot', v.rot); sim.poke('clear', v.clear);
          sim.step();
          const n1 = { ...s1 }, n2 = { ...s2 }, n3 = { ...s3 };
          let nAcc = acc, nAccCarry = accCarry;
          n1.valid = v.in_valid ? 1n : 0n;
          if (v.in_valid) { n1.sum = (v.a + v.b) & m; n1.carry = (v.a + v.b) >> BigInt(w); n1.mix = v.a ^ v.b; n1.rot = v.rot; }
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
          const got = { out_valid: sim.peekB('out_valid'), acc: sim.peekB('acc'), acc_carry: sim.peekB('acc_carry') };
          expect({ i, ...got }).toEqual({ i, out_valid: s3.valid, acc, acc_carry: accCarry });
          if (s3.valid) {
            expect({ i, result: sim.peekB('result'), sum_carry: sim.peekB('sum_carry') }).toEqual({ i, result: s3.result, sum_carry: s3.carry });
            checked++;
          }
          sawCarry ||= accCarry === 1n;
        }
        expect(checked).toBeGreaterThan(1000);
        expect(sawCarry).toBe(true);
        // Directed values at the edges of the width: drain the pipeline, clear the accumulator.
        sim.poke('in_valid', 0); sim.poke('clear', 0); sim.step(3);
        sim.poke('clear', 1); sim.step(); sim.poke('clear', 0);
        sim.expectPort('acc', 0); sim.expectPort('acc_carry', 0);
        sim.poke('in_valid', 1); sim.poke('a', m); sim.poke('b', 0); sim.poke('rot', 0);
        sim.step(); sim.poke('in_valid', 0);
        sim.step(2);
        // mixed = (m + 0) ^ rotl(m ^ 0, 0) = 0; acc stays 0.
        sim.expectPort('out_valid', 1);
        sim.expectPort('result', 0);
        sim.poke('in_valid', 1); sim.poke('a', m); sim.poke('b', 0); sim.poke('rot', 1);
        sim.step(); sim.poke('in_valid', 0); sim.step(2);
        // rotl(all-ones, 1) is all-ones too: still 0. Now a = 1 << (w-1), b = 0, rot = 1: sum ^ rotl = top bit ^ bit 0.
        sim.poke('in_valid', 1); sim.poke('a', 1n << BigInt(w - 1)); sim.poke('b', 0); sim.poke('rot', 1);
        sim.step(); sim.poke('in_valid', 0); sim.step(2);
        sim.expectPort('result', (1n << BigInt(w - 1)) | 1n);
        sim.expectPort('acc', (1n << BigInt(w - 1)) | 1n);
      });
    }
  });

  // -------------------------------------------------------------------------------------------
  // UART transmitter

  /** Decodes 8N1 frames from per-cycle txd samples, checking that every bit lasts exactly cpb cycles. */
  function decodeUart(txd: number[], cpb: number) {
    const frames: { start: number; byte: number }[] = [];
    let i = 0;
    while (i < txd.length) {
      if (txd[i] === 1) { i++; continue; }
      const start = i;
      if (start + 10 * cpb > txd.length) throw new Error(`a frame starts at cycle ${start} but the trace ends before it does`);
      const bits: number[] = [];
      for (let k = 0; k < 10; k++) {
        const seg = txd.slice(start + k * cpb, start + (k + 1) * cpb);
        if (!seg.every((x) => x === seg[0])) throw new Error(`bit ${k} of the frame at cycle ${start} is not steady for ${cpb} cycles: ${seg.join('')}`);
        bits.push(seg[0]!);
      }
      if (bits[0] !== 0 || bits[9] !== 1) throw new Error(`bad start/stop bit in the frame at cycle ${start}`);
      frames.push({ start, byte: bits.slice(1, 9).reduce((acc, b, k) => acc | (b << k), 0) });
      i = start + 10 * cpb;
    }
    return frames;
  }

  describe('uart_tx', () => {
    const cases = [{ cpb: 4, validP: 0.3 }, { cpb: 4, validP: 1 }, { cpb: 2, validP: 1 }, { cpb: 868, validP: 1 }];
    const sims = Object.fromEntries([...new Set(cases.map((c) => c.cpb))].map((cpb) => [cpb, simFixture(UartTx, { clksPerBit: cpb }, { backend })]));

    for (const { cpb, validP } of cases) {
      it(`${cpb} clocks per bit${cpb === 868 ? ' (as registered)' : ''}, valid ${validP * 100}%: 8N1 frames, LSB first, exact bit timing, busy`, () => {
        const sim = sims[cpb]!();
        const r = new Rng(cpb * 10 + validP * 10);
        const bytes = cpb === 868 ? [0x55, 0xa3, 0x00] : [0x55, 0x00, 0xff, 0x01, 0x80, ...Array.from({ length: 20 }, () => r.int(256))];
        sim.poke('in_tvalid', 0); sim.poke('in_tdata', 0);
        sim.reset();
        const txd: number[] = [], busy: number[] = [], accepted: number[] = [];
        const frameCycles = 10 * cpb;
        const start = sim.cycle;
        let next = 0, valid = false, idleAfter = -1;
        // Per cycle: drive, read the values during this cycle (before its closing edge), then the edge.
        for (;;) {
          const c = sim.cycle - start;
          if (!valid && next < bytes.length) valid = r.bool(validP);
          sim.poke('in_tvalid', valid); sim.poke('in_tdata', valid ? bytes[next]! : 0);
          txd.push(sim.peekN('txd')); busy.push(sim.peekN('busy'));
          if (valid && sim.peek('in_tready') === 1) { accepted.push(c); next++; valid = false; }
          if (next === bytes.length && idleAfter < 0) idleAfter = c + frameCycles + 5;
          if (idleAfter >= 0 && c >= idleAfter) break;
          if (c > bytes.length * (frameCycles + 40) + 100) throw new Error('the transmitter stopped taking bytes');
          sim.step();
        }
        // The line idles high out of reset.
        expect(txd[0]).toBe(1);
        const frames = decodeUart(txd, cpb);
        expect(frames.map((f) => f.byte)).toEqual(bytes);
        // Each frame starts the cycle after its byte is accepted.
        expect(frames.map((f) => f.start)).toEqual(accepted.map((c) => c + 1));
        if (validP === 1) for (let k = 1; k < frames.length; k++) expect(frames[k]!.start - frames[k - 1]!.start).toBe(frameCycles);
        // busy is high exactly while a frame is on the line.
        for (let c = 0; c < txd.length; c++) {
          const inFrame = frames.some((f) => c >= f.start && c < f.start + frameCycles);
          if (busy[c] !== (inFrame ? 1 : 0)) expect({ c, busy: busy[c] }).toEqual({ c, busy: inFrame ? 1 : 0 });
        }
      });
    }
  });
});
