// The firmware engine: one command at a time through an FSM. cmd_ready rises in the cycle the command takes
// effect (the payload holds still until then), and the response follows in the next cycle.
//
//   INSERT  IDLE -> INS_READ (borrow the bank read port) -> INS_DECIDE (duplicate? free index? a way or a
//           stash entry?) -> INS_COMMIT (wait for the TCB write port; write bank slot or stash entry, location,
//           allocated bit, free list pop, zeroed TCB, all on one edge) -> RESP
//   DELETE  IDLE (read the location) -> DEL_COMMIT (clear the slot, push the index) -> RESP
//   READ    IDLE -> ACCESS (wait for the TCB port; read) -> RESP (fields from the read port's register)
//   WRITE   IDLE -> ACCESS (wait for the TCB port; masked write) -> RESP
//   refusals (BAD_INDEX, NOT_ALLOCATED from IDLE; DUPLICATE, FULL, NO_ROOM from INS_DECIDE) -> RESP, no writes
import { Bool, UInt, fsm, lit, mux, when, type ModuleBuilder, type Sig } from '../../dsl/index.ts';
import type { IoValue, PortDecl } from '../../dsl/index.ts';
import { unpackBank, type Slot } from './bank.ts';
import { countSet, lowestSet, matchSlots } from './match.ts';
import { ConnOp, ConnStatus, INDEX_PORT_BITS, STATUS_BITS, type Geometry } from './params.ts';
import type { CmdIn } from './interface.ts';

type Cmd = IoValue<PortDecl<ReturnType<typeof CmdIn>, 'in'>>;

export interface EngineInputs {
  cmd: Cmd;
  /** The command's tuple as a 96-bit key. */
  key: Sig;
  /** The command's index is below conns, and (truncated) inside the block. */
  indexOk: Sig;
  index: Sig;
  /** The allocated bit of the command's index. */
  allocated: Sig;
  /** The banks' read data (meaningful the cycle after the engine borrowed the port). */
  bankData: readonly Sig[];
  stash: readonly Slot[];
  freeAvailable: Sig;
  freeNext: Sig;
  /** The bank read port is lent to the engine this cycle. */
  bankSteal: Sig;
  /** The TCB write/read port A is granted to the engine this cycle. */
  tcbGrant: Sig;
  respReady: Sig;
  /** Take no command (the banks are being cleared after reset). */
  blocked: Sig;
  /** INSERT uses the command's index (ConnTableParams.indexFromCmd). */
  indexFromCmd: boolean;
}

export function firmwareEngine(m: ModuleBuilder, g: Geometry, inp: EngineInputs) {
  const st = fsm(['IDLE', 'INS_READ', 'INS_DECIDE', 'INS_COMMIT', 'DEL_COMMIT', 'ACCESS', 'RESP'] as const);
  const op = inp.cmd.op;
  const status = m.reg(UInt(STATUS_BITS), { reset: 0 });
  const respIndex = m.reg(UInt(INDEX_PORT_BITS), { reset: 0 }); // INSERT: the index; else the command's, echoed
  const respOp = m.reg(UInt(op.width), { reset: 0 });
  // INS_DECIDE's choice, used by INS_COMMIT.
  const place = {
    inStash: m.reg(Bool), bank: m.reg(UInt(1)), way: m.reg(UInt(g.wayBits)), slot: m.reg(UInt(g.stashBits)),
  };

  // ---- INS_DECIDE: the two buckets and the stash against the command's tuple.
  const bucketSlots = inp.bankData.map((d) => unpackBank(g, d));
  const dup = matchSlots([...bucketSlots.flat(), ...inp.stash], inp.key, g.idxBits);
  const freeWays = bucketSlots.map((ways) => ways.map((s) => s.valid.lnot()));
  const freeCount = freeWays.map((f) => countSet(f, g.wayBits + 1));
  const firstFree = freeWays.map((f) => lowestSet(f, g.wayBits));
  // The less loaded bucket (bank 0 on a tie), lowest free way first; else the lowest free stash entry.
  const useBank1 = freeCount[1]!.gt(freeCount[0]!);
  const bankHasRoom = firstFree[0]!.any.lor(firstFree[1]!.any);
  const stashFree = lowestSet(inp.stash.map((s) => s.valid.lnot()), g.stashBits);
  const S = (s: number) => lit(s, UInt(STATUS_BITS));
  const placeStatus = mux(dup.hit, S(ConnStatus.DUPLICATE),
    mux(inp.freeAvailable.lnot(), S(ConnStatus.FULL),
      mux(bankHasRoom.lor(stashFree.any), S(ConnStatus.OK), S(ConnStatus.NO_ROOM))));
  // Insert at the firmware's index: that slot must exist and be free (checked before the tuple).
  const insertStatus = inp.indexFromCmd
    ? mux(inp.indexOk.lnot(), S(ConnStatus.BAD_INDEX), mux(inp.allocated, S(ConnStatus.SLOT_BUSY), placeStatus))
    : placeStatus;

  const cmdReady = m.wire(Bool, { default: false });
  const bankReq = st.is('INS_READ');
  const tcbReq = st.is('INS_COMMIT').lor(st.is('ACCESS'));
  const insertCommit = st.is('INS_COMMIT').land(inp.tcbGrant);
  const deleteCommit = st.is('DEL_COMMIT');
  const accessGrant = st.is('ACCESS').land(inp.tcbGrant);
  const refuse = m.wire(Bool, { default: false }); // a refusal from IDLE (counted)
  const insertRefused = m.wire(Bool, { default: false });

  const respond = (s: Sig | number, index: Sig) => {
    cmdReady.set(true);
    status.set(typeof s === 'number' ? S(s) : s);
    respIndex.set(index.width === INDEX_PORT_BITS ? index : index.zext(INDEX_PORT_BITS));
    respOp.set(op);
    st.goto('RESP');
  };

  st.switch({
    IDLE: () => when(inp.cmd.valid.land(inp.blocked.lnot()), () => {
      when(op.eq(ConnOp.INSERT), () => st.goto('INS_READ'))
        .elseWhen(inp.indexOk.lnot(), () => { refuse.set(true); respond(ConnStatus.BAD_INDEX, inp.cmd.index); })
        .elseWhen(inp.allocated.lnot(), () => { refuse.set(true); respond(ConnStatus.NOT_ALLOCATED, inp.cmd.index); })
        .elseWhen(op.eq(ConnOp.DELETE), () => st.goto('DEL_COMMIT'))
        .otherwise(() => st.goto('ACCESS'));
    }),
    INS_READ: () => when(inp.bankSteal, () => st.goto('INS_DECIDE')),
    INS_DECIDE: () => {
      place.inStash.set(bankHasRoom.lnot());
      place.bank.set(useBank1);
      place.way.set(mux(useBank1, firstFree[1]!.pos, firstFree[0]!.pos));
      place.slot.set(stashFree.pos);
      respIndex.set(mux(dup.hit, dup.index, inp.freeNext).zext(INDEX_PORT_BITS));
      // Refusals answer with the existing index (DUPLICATE), else the command's (indexFromCmd) or 0.
      const refusedIndex = inp.indexFromCmd
        ? mux(insertStatus.eq(ConnStatus.DUPLICATE), dup.index.zext(INDEX_PORT_BITS), inp.cmd.index)
        : mux(dup.hit, dup.index, lit(0, UInt(g.idxBits)));
      when(insertStatus.eq(ConnStatus.OK), () => st.goto('INS_COMMIT'))
        .otherwise(() => { insertRefused.set(true); respond(insertStatus, refusedIndex); });
    },
    INS_COMMIT: () => when(inp.tcbGrant, () => respond(ConnStatus.OK, respIndex)),
    DEL_COMMIT: () => respond(ConnStatus.OK, inp.cmd.index),
    ACCESS: () => when(inp.tcbGrant, () => respond(ConnStatus.OK, inp.cmd.index)),
    RESP: () => when(inp.respReady, () => st.goto('IDLE')),
  });

  return {
    cmdReady, respValid: st.is('RESP'), status, respIndex, respOp,
    bankReq, tcbReq, insertCommit, deleteCommit, accessGrant, place,
    /** The index an insert commits (the free list's next, latched in INS_DECIDE). */
    newIndex: respIndex.trunc(g.idxBits),
    isRead: op.eq(ConnOp.READ),
    refuse, insertRefused,
  };
}
