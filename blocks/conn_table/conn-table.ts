// The connection table: TCBs for `conns` connections in one wide memory, found by 4-tuple through a two-bank
// hash (H3, 4-way buckets, 2x as many slots as connections) with a small stash CAM for inserts whose buckets are
// both full. One lookup per cycle; firmware insert/delete/read/write and datapath TCB updates alongside.
//
// Memories (all simple dual-port: one read port, one write port):
//   bank0, bank1   buckets x (ways slots of {valid, tuple, index}): read by lookups (the firmware engine borrows
//                  the read port for one cycle per insert), written by the firmware engine only
//   tcb            conns x 640 bits (the Tcb layout); port A (write, or a firmware read, one per cycle,
//                  arbitrated between the engine and the datapath update port), port B (lookup reads)
//   loc            conns x where each connection's slot is (firmware engine only)
//   freed_ids      the free list's FIFO (firmware engine only)
import { defineModule, input, output, Bool, Struct, UInt, Vec, cat, lit, mux, when, type Sig, type Wire } from '../../dsl/index.ts';
import { CmdIn, LookupIn, LookupOut, RespOut, Stats, UpdIn } from './interface.ts';
import { bankWidth, slotWord, wayEnables, type Slot } from './bank.ts';
import { bucketHw } from './hash.ts';
import { lookupPipeline, tupleKey } from './lookup.ts';
import { firmwareEngine } from './firmware.ts';
import { freeList } from './free-list.ts';
import { countSet } from './match.ts';
import { select } from '../skb/bits.ts';
import { packTcb, tcbByteEnables, unpackTcb } from './tcb-rtl.ts';
import { KEY_FIELDS, Tcb, WRITABLE_FIELDS, type TcbField } from './tcb.ts';
import { connTableDefaults, geometry, type ConnTableParams } from './params.ts';

/** Drives wire `w` with `v` and returns it. */
function named(w: Wire, v: Sig): Wire { w.set(v); return w; }

export const ConnTable = defineModule('conn_table', (m, p: ConnTableParams) => {
  const g = geometry(p);
  const io = m.io({
    lookup: input(LookupIn()),
    out: output(LookupOut()),
    cmd: input(CmdIn()),
    resp: output(RespOut()),
    upd: input(UpdIn()),
    stats: output(Stats(g.countBits, Math.max(1, Math.ceil(Math.log2(g.stash + 1))))),
  });

  // ---- State
  const banks = [0, 1].map((b) => m.memory(bankWidth(g), g.buckets, { name: `bank${b}` }));
  const tcbMem = m.memory(Tcb.bytes * 8, g.conns, { name: 'tcb' });
  const locBits = 1 + 1 + g.wayBits + g.stashBits + g.bucketBits;
  const locMem = m.memory(locBits, g.conns, { name: 'loc' });
  const stashRegs = m.reg(Vec(Struct({ tuple: UInt(96), index: UInt(g.idxBits) }), g.stash), { name: 'stash' });
  const stashValid = m.reg(UInt(g.stash), { reset: 0 });
  // One allocated bit per connection: read through mux trees, written through one decoder.
  const allocated = m.reg(Vec(Bool, g.conns), { reset: 0, name: 'allocated' });
  const occupancy = m.reg(UInt(g.countBits), { reset: 0 });
  // With indexFromCmd the firmware picks the index: no free list, and the command's index is the next one.
  const free = p.indexFromCmd ? undefined : freeList(m, g);
  const stash: Slot[] = stashRegs.map((s, i) => ({ valid: stashValid.bit(i), tuple: s.tuple, index: s.index }));

  // ---- After reset the banks are cleared, one bucket per cycle; lookups and commands wait meanwhile.
  const clearing = m.reg(Bool, { reset: true });
  const clearAt = m.reg(UInt(g.bucketBits), { reset: 0 });
  when(clearing, () => {
    clearAt.set(clearAt.add(1));
    when(clearAt.eq(g.buckets - 1), () => clearing.set(false));
  });

  // ---- Bank read ports, shared by the lookup input and (one cycle per insert) the firmware engine.
  const bankSteal = m.wire(Bool);
  const bankAddr = banks.map((_, b) => m.wire(UInt(g.bucketBits), { name: `bank${b}_raddr` }));
  const bankReadEn = m.wire(Bool);
  const bankData = banks.map((bank, b) => bank.read(bankAddr[b]!, { enable: bankReadEn }));

  const tcbReadAddr = m.wire(UInt(g.idxBits));
  const tcbReadEn = m.wire(Bool);
  const tcbLookupData = tcbMem.read(tcbReadAddr, { enable: tcbReadEn });

  const lk = lookupPipeline(m, g, io.lookup, io.out, { bankData, stash, tcbData: tcbLookupData, bankSteal, blocked: clearing });
  tcbReadAddr.set(lk.tcbReadAddr);
  tcbReadEn.set(lk.tcbReadEnable);

  // ---- The firmware engine
  const inRange = (x: Sig) => (g.conns >= 2 ** x.width ? lit(true, Bool) : x.lt(g.conns));
  const cmdKey = tupleKey(io.cmd);
  const cmdBuckets = g.masks.map((mk) => bucketHw(mk, cmdKey));
  const cmdIndexOk = inRange(io.cmd.index);
  const cmdIndex = io.cmd.index.trunc(g.idxBits);
  const locWord = locMem.read(cmdIndex);
  let at = 0;
  const locField = (w: number) => { const s = locWord.slice(at + w - 1, at); at += w; return s; };
  const loc = { inStash: locField(1), bank: locField(1), way: locField(g.wayBits), slot: locField(g.stashBits), bucket: locField(g.bucketBits) };
  const tcbGrantEngine = m.wire(Bool);
  const fw = firmwareEngine(m, g, {
    cmd: io.cmd, key: cmdKey, indexOk: cmdIndexOk, index: cmdIndex,
    allocated: select(allocated, cmdIndex), bankData, stash,
    freeAvailable: free ? free.available : lit(true, Bool), freeNext: free ? free.next : cmdIndex, bankSteal, tcbGrant: tcbGrantEngine,
    respReady: io.resp.ready, blocked: clearing, indexFromCmd: p.indexFromCmd ?? false,
  });

  // Lookups first: the engine takes the bank port when no tuple is offered, or after it has waited a cycle.
  const bankWaited = m.reg(Bool, { reset: false });
  bankSteal.set(fw.bankReq.land(io.lookup.valid.lnot().lor(bankWaited)));
  bankWaited.set(fw.bankReq.land(bankSteal.lnot()));
  bankAddr.forEach((a, b) => a.set(mux(bankSteal, cmdBuckets[b]!, bucketHw(g.masks[b]!, lk.inKey))));
  bankReadEn.set(bankSteal.lor(lk.accept));

  // ---- TCB port A: the engine and the datapath update port, alternating when both want it.
  const updIndexOk = inRange(io.upd.index);
  const updIndex = io.upd.index.trunc(g.idxBits);
  const updOk = updIndexOk.land(select(allocated, updIndex));
  const lastWasUpd = m.reg(Bool, { reset: false });
  const grantUpd = io.upd.valid.land(fw.tcbReq.lnot().lor(lastWasUpd.lnot()));
  tcbGrantEngine.set(fw.tcbReq.land(grantUpd.lnot()));
  when(grantUpd.lor(tcbGrantEngine), () => lastWasUpd.set(grantUpd));
  io.upd.ready.set(grantUpd);

  const isInsert = fw.insertCommit;
  const engineIndex = mux(isInsert, fw.newIndex, cmdIndex);
  const portAAddr = mux(grantUpd, updIndex, engineIndex);
  const writable = (src: Record<string, Sig>) => Object.fromEntries(WRITABLE_FIELDS.map((f) => [f, src[f]!])) as Partial<Record<TcbField, Sig>>;
  const updWord = packTcb(writable(io.upd));
  const cmdWord = packTcb(writable(io.cmd));
  const insertWord = packTcb(Object.fromEntries(KEY_FIELDS.map((f) => [f, io.cmd[f]])) as Partial<Record<TcbField, Sig>>);
  const portAData = named(m.wire(UInt(Tcb.bytes * 8)), mux(grantUpd, updWord, mux(isInsert, insertWord, cmdWord)));
  const portAMask = named(m.wire(UInt(Tcb.bytes)), tcbByteEnables(mux(grantUpd, io.upd.mask, io.cmd.mask), isInsert));
  const portAWrite = grantUpd.land(updOk).lor(isInsert).lor(fw.accessGrant.land(fw.isRead.lnot()));
  tcbMem.write(portAAddr, portAData, { enable: portAWrite, mask: portAMask });
  const tcbFwData = tcbMem.read(portAAddr, { enable: fw.accessGrant.land(fw.isRead) });

  // ---- Insert and delete commits: bank slot or stash entry, location, allocated bit, free list.
  const delBank = loc.bank;
  banks.forEach((bank, b) => {
    const insHere = isInsert.land(fw.place.inStash.lnot()).land(fw.place.bank.eq(b));
    const delHere = fw.deleteCommit.land(loc.inStash.lnot()).land(delBank.eq(b));
    const addr = mux(clearing, clearAt, mux(delHere, loc.bucket, cmdBuckets[b]!));
    // Named wires: the emitter bit-selects a write's data and mask, which Verilog allows only on names.
    const data = named(m.wire(UInt(bankWidth(g)), { name: `bank${b}_wdata` }),
      mux(clearing, lit(0, UInt(bankWidth(g))), slotWord(g, insHere, cmdKey, fw.newIndex)));
    const en = named(m.wire(UInt(bankWidth(g) / 8), { name: `bank${b}_wmask` }),
      mux(clearing, lit(-1n & ((1n << BigInt(bankWidth(g) / 8)) - 1n), UInt(bankWidth(g) / 8)), wayEnables(g, mux(delHere, loc.way, fw.place.way))));
    bank.write(addr, data, { enable: insHere.lor(delHere).lor(clearing), mask: en });
  });
  stashRegs.forEach((s, i) => {
    when(isInsert.land(fw.place.inStash).land(fw.place.slot.eq(i)), () => { s.tuple.set(cmdKey); s.index.set(fw.newIndex); });
  });
  const stashSet = mux(isInsert.land(fw.place.inStash), lit(1, UInt(g.stash)).shl(fw.place.slot), lit(0, UInt(g.stash)));
  const stashClr = mux(fw.deleteCommit.land(loc.inStash), lit(1, UInt(g.stash)).shl(loc.slot), lit(0, UInt(g.stash)));
  stashValid.set(stashValid.or(stashSet).and(stashClr.not()));
  // The location word, lowest field first as locField reads it.
  const placedBucket = mux(fw.place.bank.eq(1), cmdBuckets[1]!, cmdBuckets[0]!);
  locMem.write(fw.newIndex, cat(placedBucket, fw.place.slot, fw.place.way, fw.place.bank, fw.place.inStash), { enable: isInsert });

  const allocAt = mux(isInsert, fw.newIndex, cmdIndex);
  allocated.forEach((bit, i) => when(isInsert.lor(fw.deleteCommit).land(allocAt.eq(i)), () => bit.set(isInsert)));
  when(isInsert, () => occupancy.set(occupancy.add(1))).elseWhen(fw.deleteCommit, () => occupancy.set(occupancy.sub(1)));
  free?.pop(isInsert);
  free?.push(cmdIndex, fw.deleteCommit);

  // ---- Responses
  io.cmd.ready.set(fw.cmdReady);
  io.resp.valid.set(fw.respValid);
  io.resp.op.set(fw.respOp);
  io.resp.status.set(fw.status);
  io.resp.index.set(fw.respIndex);
  const readBack = unpackTcb(tcbFwData);
  for (const f of Tcb.fields) io.resp[f.name].set(readBack[f.name]);

  // ---- Counters
  const counter = (inc: Sig, name: string) => {
    const c = m.reg(UInt(32), { reset: 0, name });
    when(inc, () => c.set(c.add(1)));
    return c;
  };
  io.stats.occupancy.set(occupancy);
  io.stats.stash_used.set(countSet(Array.from({ length: g.stash }, (_, i) => stashValid.bit(i)), io.stats.stash_used.width));
  io.stats.lookups.set(counter(lk.accept, 'lookups'));
  io.stats.hits.set(counter(lk.outFire.land(lk.outHit), 'hits'));
  io.stats.misses.set(counter(lk.outFire.land(lk.outHit.lnot()), 'misses'));
  io.stats.insert_fails.set(counter(fw.insertRefused, 'insert_fails'));
  io.stats.op_errors.set(counter(fw.refuse, 'op_errors'));
  io.stats.upd_refused.set(counter(grantUpd.land(updOk.lnot()), 'upd_refused'));
  return io;
}, connTableDefaults);
