// The firmware bus: the AXI4-Lite slave through which an embedded core (the send or the receive core) takes
// events from the hardware, gives commands to it, and reaches the TCB table and other CSRs through a window.
// Registers and their offsets come from regmap.ts; see README.md for timing and REGISTERS.md for the map.
import {
  defineModule, input, output, AxiLite, Bool, UInt, cat, clog2, fsm, lit, mux, when,
  type Sig, type Wire,
} from '../../dsl/index.ts';
import { Fifo } from '../lib/fifo.ts';
import {
  ADDR_BITS, AxiResp, ConfigFields, FW_BUS_ID, FW_BUS_VERSION, IrqEnableFields, REGISTERS, StatusFields,
  WINDOW_ADDR_BITS, fieldsValue, wordsFor, type RegName, type RegSpec,
} from './regmap.ts';
import { CommandPort, EventPort, WindowRequest, WindowResponse } from './ports.ts';
import { checkFwBusParams, defaultFwBusParams, type FwBusParams } from './params.ts';
import { mergeBytes } from './byte-merge.ts';

type StickyName = Extract<(typeof StatusFields)[number], { access: 'w1c' }>['name'];
const stickyFields = StatusFields.filter((f) => f.access === 'w1c') as Extract<(typeof StatusFields)[number], { access: 'w1c' }>[];
const liveFields = StatusFields.filter((f) => f.access === 'ro');

/** What the RTL does with one implemented register word. */
interface RegBehaviour {
  /** The value a read returns (ro, rw, w1c). */
  read?: Sig;
  /** The effect of a full or partial write (rw, w1c, wo); may refuse with `fail`. */
  write?: () => void;
}

export const FwBus = defineModule('fw_bus', (m, params: FwBusParams) => {
  const p = { ...defaultFwBusParams, ...params };
  checkFwBusParams(p);
  const eventWords = wordsFor(p.eventBits), commandWords = wordsFor(p.commandBits);
  const io = m.io({
    s_axil: input(AxiLite(ADDR_BITS)),
    event: input(EventPort(p.eventBits)),
    cmd: output(CommandPort(p.commandBits)),
    win_req: output(WindowRequest),
    win_resp: input(WindowResponse),
    /** High while an enabled interrupt source is active (IRQ_ENABLE). */
    irq: output(Bool),
    /** The event the core removed (EVENT_POP), in the cycle it leaves: lets the hardware count what is queued. */
    popped_valid: output(Bool),
    popped_data: output(UInt(p.eventBits)),
  });
  const axil = io.s_axil;

  // ---- The queues: RAM-backed FIFOs whose output register holds the head.
  const eventQueue = m.instance(Fifo, { width: p.eventBits, depth: p.eventDepth }, { name: 'eventQueue' });
  eventQueue.in.tvalid.set(io.event.valid);
  eventQueue.in.tdata.set(io.event.data);
  io.event.ready.set(eventQueue.in.tready);
  const eventPending = eventQueue.out.tvalid;
  const eventPop = m.wire(Bool, { default: false });
  eventQueue.out.tready.set(eventPop);
  io.popped_valid.set(eventPop);
  io.popped_data.set(eventQueue.out.tdata);

  const cmdQueue = m.instance(Fifo, { width: p.commandBits, depth: p.commandDepth }, { name: 'cmdQueue' });
  const cmdPush = m.wire(Bool, { default: false });
  const cmdStaging = Array.from({ length: commandWords }, (_, i) =>
    m.reg(UInt(Math.min(32, p.commandBits - 32 * i)), { reset: 0, name: `cmdStaging${i}` }));
  cmdQueue.in.tvalid.set(cmdPush);
  cmdQueue.in.tdata.set(cat(...[...cmdStaging].reverse()));
  io.cmd.valid.set(cmdQueue.out.tvalid);
  io.cmd.data.set(cmdQueue.out.tdata);
  cmdQueue.out.tready.set(io.cmd.ready);
  const cmdFull = cmdQueue.in.tready.lnot();

  // ---- Status, interrupt enables, counters.
  const sticky = Object.fromEntries(stickyFields.map((f) => [f.name, m.reg(Bool, { reset: false, name: `status_${f.name}` })])) as Record<StickyName, Wire>;
  const raise = Object.fromEntries(stickyFields.map((f) => [f.name, m.wire(Bool, { default: false, name: `raise_${f.name}` })])) as Record<StickyName, Wire>;
  const stickyClear = m.wire(UInt(32), { default: 0 });
  for (const f of stickyFields) sticky[f.name].set(sticky[f.name].land(stickyClear.bit(f.lsb).lnot()).lor(raise[f.name]));
  const live: Record<(typeof liveFields)[number]['name'], Sig> = {
    eventPending, eventFull: eventQueue.in.tready.lnot(), cmdFull,
  };
  const statusBits = [...stickyFields.map((f) => [f.lsb, sticky[f.name]] as const), ...liveFields.map((f) => [f.lsb, live[f.name]] as const)];
  const status = wordOf(statusBits);

  const irqEnable = Object.fromEntries(IrqEnableFields.map((f) => [f.name, m.reg(Bool, { reset: f.reset === 1, name: `irqEnable_${f.name}` })])) as Record<(typeof IrqEnableFields)[number]['name'], Wire>;
  const anySticky = stickyFields.map((f): Sig => sticky[f.name]).reduce((a, b) => a.lor(b));
  io.irq.set(irqEnable.events.land(eventPending).lor(irqEnable.errors.land(anySticky)));

  const counter = (name: string, bump: Sig): Wire => {
    const c = m.reg(UInt(p.counterBits), { reset: 0, name });
    when(bump, () => c.set(c.add(1)));
    return c;
  };

  // ---- The AXI4-Lite front: one access at a time. IDLE takes a write (AW and W together) or a read,
  // alternating when both wait; RESP holds the response until it is taken; WIN waits for the window port.
  const state = fsm(['IDLE', 'RESP', 'WIN']);
  const idle = state.is('IDLE');
  const preferRead = m.reg(Bool, { reset: false });
  const takeWrite = idle.land(axil.awvalid).land(axil.wvalid).land(axil.arvalid.land(preferRead).lnot());
  const takeRead = idle.land(axil.arvalid).land(takeWrite.lnot());
  const accept = takeWrite.lor(takeRead);
  axil.awready.set(takeWrite);
  axil.wready.set(takeWrite);
  axil.arready.set(takeRead);
  when(takeWrite, () => preferRead.set(true)).elseWhen(takeRead, () => preferRead.set(false));

  const addr = mux(takeWrite, axil.awaddr, axil.araddr);
  const word = addr.slice(ADDR_BITS - 1, 2); // bits 1:0 are ignored: wstrb selects the bytes
  const inWindow = addr.bit(ADDR_BITS - 1);
  const fullStrobe = axil.wstrb.eq(0xf);

  const respIsWrite = m.reg(Bool, { reset: false });
  const respCode = m.reg(UInt(2), { reset: 0 });
  const respData = m.reg(UInt(32), { reset: 0 });
  const code = m.wire(UInt(2), { default: AxiResp.OKAY });
  const readValue = m.wire(UInt(32), { default: 0 });
  const fail = (resp: number, flag: StickyName) => { code.set(resp); raise[flag].set(true); };

  // ---- What each register does, keyed by regmap name (an entry without behaviour is an elaboration error).
  const word32 = (s: Sig) => s.zext(32);
  const counters: Partial<Record<RegName, Sig>> = {
    EVENTS_POPPED: counter('eventsPopped', eventPop),
    COMMANDS_PUSHED: counter('commandsPushed', cmdPush),
    PUSHES_REFUSED: counter('pushesRefused', raise.cmdRefused),
    EMPTY_POPS: counter('emptyPops', raise.emptyPop),
    BAD_ACCESSES: counter('badAccesses', raise.decodeError.lor(raise.accessError)),
    WINDOW_TIMEOUTS: counter('windowTimeouts', raise.windowTimeout),
  };
  const single: Partial<Record<RegName, RegBehaviour>> = {
    ID: { read: lit(FW_BUS_ID, UInt(32)) },
    VERSION: { read: lit(FW_BUS_VERSION, UInt(32)) },
    CONFIG: {
      read: lit(fieldsValue(ConfigFields, {
        eventWords, commandWords, eventDepthLog2: clog2(p.eventDepth), commandDepthLog2: clog2(p.commandDepth),
      }), UInt(32)),
    },
    STATUS: { read: status, write: () => stickyClear.set(axil.wdata.and(strobeMask(axil.wstrb))) },
    IRQ_ENABLE: {
      read: wordOf(IrqEnableFields.map((f) => [f.lsb, irqEnable[f.name]] as const)),
      write: () => { for (const f of IrqEnableFields) when(axil.wstrb.bit(f.lsb >> 3), () => irqEnable[f.name].set(axil.wdata.bit(f.lsb))); },
    },
    EVENT_COUNT: { read: word32(mux(eventPending, eventQueue.count, lit(0, UInt(eventQueue.count.width)))) },
    EVENT_POP: {
      write: () => when(eventPending, () => eventPop.set(true)).otherwise(() => fail(AxiResp.SLVERR, 'emptyPop')),
    },
    CMD_SPACE: { read: word32(lit(p.commandDepth, UInt(cmdQueue.count.width)).sub(cmdQueue.count)) },
    CMD_PUSH: {
      write: () => when(cmdFull, () => fail(AxiResp.SLVERR, 'cmdRefused')).otherwise(() => cmdPush.set(true)),
    },
  };
  const arrays: Partial<Record<RegName, (i: number) => RegBehaviour>> = {
    EVENT_DATA: (i) => {
      const hi = Math.min(p.eventBits, 32 * i + 32) - 1;
      const w = eventQueue.out.tdata.slice(hi, 32 * i);
      return { read: word32(mux(eventPending, w, lit(0, UInt(w.width)))) };
    },
    CMD_DATA: (i) => ({
      read: word32(cmdStaging[i]!),
      write: () => cmdStaging[i]!.set(mergeBytes(cmdStaging[i]!, axil.wdata, axil.wstrb)),
    }),
  };
  const implemented: Partial<Record<RegName, number>> = { EVENT_DATA: eventWords, CMD_DATA: commandWords };

  const decoded: { spec: RegSpec; word: number; b: RegBehaviour }[] = [];
  const regs: readonly RegSpec[] = REGISTERS;
  for (const r of regs) {
    if (r.access === 'window') continue;
    const name = r.name as RegName;
    for (let i = 0; i < (implemented[name] ?? r.count ?? 1); i++) {
      const c = counters[name];
      const b = r.count ? arrays[name]?.(i) : single[name] ?? (c && { read: word32(c) });
      if (!b) throw new Error(`fw_bus: register ${r.name} has no behaviour in the RTL`);
      if ((r.access === 'wo') !== !b.read || (r.access === 'ro') !== !b.write) throw new Error(`fw_bus: ${r.name}'s behaviour does not match its access '${r.access}'`);
      decoded.push({ spec: r, word: r.offset / 4 + i, b });
    }
  }


  // ---- A local access: decoded and done in the cycle it is taken; the response follows in RESP.
  // One comparator per implemented word; the read data is an AND-OR of the one-hot hits.
  const hits = decoded.map((d) => word.eq(d.word).named(`hit_${d.spec.name}${d.spec.count ? `_${d.word - d.spec.offset / 4}` : ''}`));
  const mapped = hits.reduce((a, b) => a.lor(b)).named('mapped');
  const readMux = decoded.map((d, i) => (d.b.read ? d.b.read.and(hits[i]!.rep(32)) : undefined))
    .filter((x): x is Sig => x !== undefined).reduce((a, b) => a.or(b)).named('readMux');
  const local = () => {
    when(mapped.lnot(), () => fail(AxiResp.DECERR, 'decodeError'));
    when(takeRead, () => readValue.set(readMux));
    decoded.forEach((d, i) => {
      if (!d.b.write) when(hits[i]!.land(takeWrite), () => fail(AxiResp.SLVERR, 'accessError'));
      else if (d.spec.access === 'wo') when(hits[i]!.land(takeWrite), () => when(fullStrobe, d.b.write!).otherwise(() => fail(AxiResp.SLVERR, 'accessError')));
      else when(hits[i]!.land(takeWrite), d.b.write);
      if (!d.b.read) when(hits[i]!.land(takeRead), () => fail(AxiResp.SLVERR, 'accessError'));
    });
  };

  // ---- The window: the request is offered until taken, the response awaited; both within windowTimeout cycles.
  const winAddr = m.reg(UInt(WINDOW_ADDR_BITS), { reset: 0 });
  const winWrite = m.reg(Bool, { reset: false });
  const winWdata = m.reg(UInt(32), { reset: 0 });
  const winStrb = m.reg(UInt(4), { reset: 0 });
  const winTag = m.reg(UInt(io.win_req.tag.width), { reset: 0 });
  const winTaken = m.reg(Bool, { reset: false });
  const winTimer = m.reg(UInt(clog2(p.windowTimeout)), { reset: 0 });
  const inWin = state.is('WIN');
  const reqValid = inWin.land(winTaken.lnot());
  const winResp = io.win_resp;
  // A response may come in the cycle its request is taken.
  const respHit = inWin.land(winResp.valid).land(winResp.tag.eq(winTag)).land(winTaken.lor(io.win_req.ready));
  const expired = winTimer.eq(p.windowTimeout - 1);
  when(winResp.valid.land(respHit.lnot()), () => raise.lateResponse.set(true));
  io.win_req.valid.set(reqValid);
  io.win_req.addr.set(winAddr);
  io.win_req.write.set(winWrite);
  io.win_req.wdata.set(winWdata);
  io.win_req.wstrb.set(winStrb);
  io.win_req.tag.set(winTag);

  state.switch({
    IDLE: () => {
      when(accept, () => {
        respIsWrite.set(takeWrite);
        when(inWindow, () => {
          winAddr.set(word.trunc(WINDOW_ADDR_BITS));
          winWrite.set(takeWrite);
          winWdata.set(mux(takeWrite, axil.wdata, lit(0, UInt(32))));
          winStrb.set(mux(takeWrite, axil.wstrb, lit(0, UInt(4))));
          winTag.set(winTag.add(1));
          winTaken.set(false);
          winTimer.set(0);
          state.goto('WIN');
        }).otherwise(() => {
          local();
          respCode.set(code);
          respData.set(readValue);
          state.goto('RESP');
        });
      });
    },
    WIN: () => {
      when(io.win_req.ready.land(reqValid), () => winTaken.set(true));
      winTimer.set(winTimer.add(1));
      when(respHit, () => {
        when(winResp.err, () => fail(AxiResp.SLVERR, 'windowError'));
        respCode.set(code);
        respData.set(mux(winWrite, lit(0, UInt(32)), winResp.rdata));
        state.goto('RESP');
      }).elseWhen(expired, () => {
        fail(AxiResp.SLVERR, 'windowTimeout');
        respCode.set(code);
        respData.set(0);
        state.goto('RESP');
      });
    },
    RESP: () => {
      when(mux(respIsWrite, axil.bready, axil.rready), () => state.goto('IDLE'));
    },
  });
  const inResp = state.is('RESP');
  axil.bvalid.set(inResp.land(respIsWrite));
  axil.bresp.set(respCode);
  axil.rvalid.set(inResp.land(respIsWrite.lnot()));
  axil.rresp.set(respCode);
  axil.rdata.set(respData);
  return io;

  /** A 32-bit word with the given bits at the given positions, zeros elsewhere. */
  function wordOf(bits: readonly (readonly [number, Sig])[]): Sig {
    const sorted = [...bits].sort((a, b) => b[0] - a[0]);
    const parts: Sig[] = [];
    let next = 31;
    for (const [lsb, s] of sorted) {
      if (next > lsb) parts.push(lit(0, UInt(next - lsb)));
      parts.push(s);
      next = lsb - 1;
    }
    if (next >= 0) parts.push(lit(0, UInt(next + 1)));
    return cat(...parts);
  }
}, defaultFwBusParams);

/** wstrb expanded to a 32-bit byte mask. */
function strobeMask(wstrb: Sig): Sig {
  return cat(...[3, 2, 1, 0].map((i) => wstrb.bit(i).rep(8)));
}
