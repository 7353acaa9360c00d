// The lookup pipeline: one tuple per cycle in, its hit, index and TCB out LOOKUP_LATENCY (4) cycles later.
//
//   accept  hash the tuple (H3, two XOR levels) and read both banks' buckets
//   s1      compare the 2 x ways slots and the stash with the tuple
//   s2      read the TCB at the matching index
//   s3      check that the TCB still holds the tuple (the index may have been deleted and reused meanwhile)
//   s4      the output register
//
// Each stage moves when the one after it is free, so under backpressure the stages stall together and every
// memory read's data holds (its enable is the stage's move). The one exception is the bank read port, which the
// firmware engine may borrow for a cycle: s1 therefore keeps its compare result in a register once it has
// waited a cycle, and does not need the bank data after that.
import { Bool, UInt, cat, mux, when, type ModuleBuilder, type Sig } from '../../dsl/index.ts';
import type { IoValue, PortDecl } from '../../dsl/index.ts';
import { unpackBank, type Slot } from './bank.ts';
import { matchSlots } from './match.ts';
import { unpackTcb } from './tcb-rtl.ts';
import { KEY_FIELDS, Tcb } from './tcb.ts';
import { INDEX_PORT_BITS, type Geometry } from './params.ts';
import type { LookupIn, LookupOut } from './interface.ts';

type InPort = IoValue<PortDecl<ReturnType<typeof LookupIn>, 'in'>>;
type OutPort = IoValue<PortDecl<ReturnType<typeof LookupOut>, 'out'>>;

export interface LookupMemories {
  /** The banks' read data (registered, one cycle after the read). */
  bankData: readonly Sig[];
  stash: readonly Slot[];
  /** The TCB memory's lookup read data. */
  tcbData: Sig;
  /** The firmware engine borrows the bank read port this cycle: accept nothing. */
  bankSteal: Sig;
  /** Accept nothing (the banks are being cleared after reset). */
  blocked: Sig;
}

export interface LookupPipeline {
  /** The tuple on the input, as the 96-bit key. */
  inKey: Sig;
  /** A tuple is accepted this cycle: read the banks at its buckets. */
  accept: Sig;
  /** The lookup side would accept a tuple this cycle if one were valid (s1 is free). */
  s1Free: Sig;
  tcbReadAddr: Sig;
  tcbReadEnable: Sig;
  /** A result leaves this cycle, and whether it is a hit. */
  outFire: Sig;
  outHit: Sig;
}

export const tupleKey = (t: { local_ip: Sig; remote_ip: Sig; local_port: Sig; remote_port: Sig }): Sig =>
  cat(t.local_ip, t.remote_ip, t.local_port, t.remote_port);

export function lookupPipeline(m: ModuleBuilder, g: Geometry, inp: InPort, out: OutPort, mem: LookupMemories): LookupPipeline {
  const stage = (name: string) => ({
    valid: m.reg(Bool, { reset: false, name: `${name}_valid` }),
    key: m.reg(UInt(96), { name: `${name}_key` }),
  });
  const s1 = stage('s1'), s2 = stage('s2'), s3 = stage('s3');
  const s1Fresh = m.reg(Bool, { reset: false }); // the bank read data is s1's (it has not waited yet)
  const s1Held = { hit: m.reg(Bool), index: m.reg(UInt(g.idxBits)) };
  const s2Hit = m.reg(Bool), s2Index = m.reg(UInt(g.idxBits));
  const s3Hit = m.reg(Bool), s3Index = m.reg(UInt(g.idxBits));
  const outValid = m.reg(Bool, { reset: false });
  const outHit = m.reg(Bool), outIndex = m.reg(UInt(g.idxBits)), outKey = m.reg(UInt(96));
  const outFields = m.reg(UInt(Tcb.bytes * 8));

  const s4Free = outValid.lnot().lor(out.ready);
  const s3Free = s3.valid.lnot().lor(s4Free);
  const s2Free = s2.valid.lnot().lor(s3Free);
  const s1Free = s1.valid.lnot().lor(s2Free);

  const inKey = tupleKey(inp);
  const open = s1Free.land(mem.bankSteal.lnot()).land(mem.blocked.lnot());
  inp.ready.set(open);
  const accept = inp.valid.land(open);

  // ---- s1: compare with the bank slots (fresh) or use the held result.
  const slots = mem.bankData.flatMap((d) => unpackBank(g, d));
  const live = matchSlots([...slots, ...mem.stash], s1.key, g.idxBits);
  const s1Hit = mux(s1Fresh, live.hit, s1Held.hit);
  const s1Index = mux(s1Fresh, live.index, s1Held.index);
  when(s1Fresh.land(s2Free.lnot()), () => { s1Held.hit.set(live.hit); s1Held.index.set(live.index); });
  when(s1Free, () => {
    s1.valid.set(accept);
    s1Fresh.set(accept);
    when(accept, () => s1.key.set(inKey));
  }).otherwise(() => s1Fresh.set(false));

  when(s2Free, () => {
    s2.valid.set(s1.valid);
    when(s1.valid, () => { s2.key.set(s1.key); s2Hit.set(s1Hit); s2Index.set(s1Index); });
  });

  // ---- s2 -> s3: the TCB read, held while s3 waits.
  const tcbReadEnable = s3Free.land(s2.valid);
  when(s3Free, () => {
    s3.valid.set(s2.valid);
    when(s2.valid, () => { s3.key.set(s2.key); s3Hit.set(s2Hit); s3Index.set(s2Index); });
  });

  // ---- s3 -> s4: a hit only if the TCB read still belongs to the tuple.
  const tcb = unpackTcb(mem.tcbData);
  const stillOurs = tupleKey(tcb).eq(s3.key);
  when(s4Free, () => {
    outValid.set(s3.valid);
    when(s3.valid, () => {
      outHit.set(s3Hit.land(stillOurs));
      outIndex.set(s3Index);
      outKey.set(s3.key);
      outFields.set(mem.tcbData);
    });
  });

  const outTcb = unpackTcb(outFields);
  out.valid.set(outValid);
  out.hit.set(outHit);
  out.index.set(outIndex.zext(INDEX_PORT_BITS));
  for (const f of Tcb.fields) {
    if ((KEY_FIELDS as readonly string[]).includes(f.name)) continue;
    out[f.name].set(outTcb[f.name]);
  }
  // The key fields echo the looked-up tuple (on a hit they equal the TCB's).
  out.local_ip.set(outKey.slice(95, 64));
  out.remote_ip.set(outKey.slice(63, 32));
  out.local_port.set(outKey.slice(31, 16));
  out.remote_port.set(outKey.slice(15, 0));

  return {
    inKey, accept, s1Free, tcbReadAddr: s2Index, tcbReadEnable,
    outFire: outValid.land(out.ready), outHit,
  };
}
