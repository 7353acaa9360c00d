// Proofs for small configurations (k-induction with ABC on the Yosys netlist, from an arbitrary power-on
// state): the free list never hands a block out twice and never loses one (8 blocks, 2 connections), and the
// queues stay well-formed lists (4 blocks, 2 connections). The invariants are blocks/skb/invariants.ts.
import { describe, expect, it } from 'vitest';
import { checkProperty, formalToolsMissing } from './formal.ts';
import { formalConfig } from './driver.ts';

const missing = formalToolsMissing();
const tiny = { ...formalConfig, bufferBytes: 8, idBits: 3 }; // 4 blocks of 2 bytes, 2 connections

describe.skipIf(missing !== undefined)(`skb_manager formal${missing ? ` (skipped: ${missing} is not installed)` : ''}`, () => {
  it('8 blocks, 2 connections: the free-list invariants (no double hand-out, no loss) hold in every reachable state', () => {
    const r = checkProperty(formalConfig, 'inv_free_list_ok', 'induction');
    console.log(`free list, 8 blocks: ${r.verdict} in ${Math.round(r.ms)} ms`);
    expect(r.verdict, r.log).toBe('proven');
  });

  it('4 blocks, 2 connections: the queue invariants (well-formed, disjoint lists of exactly the queued blocks) hold', () => {
    const r = checkProperty(tiny, 'inv_queues_ok', 'induction');
    console.log(`queues, 4 blocks: ${r.verdict} in ${Math.round(r.ms)} ms`);
    expect(r.verdict, r.log).toBe('proven');
    expect(checkProperty(tiny, 'inv_free_list_ok', 'induction').verdict).toBe('proven');
  });

  it('the flow finds counterexamples: exhaustion is reachable (reset + 4 allocations) and is not provably absent', () => {
    const bmc = checkProperty(tiny, 'nomem', 'bmc', { negate: true, frames: 12 });
    expect(bmc.verdict, bmc.log).toBe('falsified');
    expect(bmc.frame).toBeGreaterThanOrEqual(5);
    expect(checkProperty(tiny, 'nomem', 'induction', { negate: true }).verdict).not.toBe('proven');
  });
});
