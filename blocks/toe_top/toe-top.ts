// toe_top: the Hybrid TOE. The hot path in hardware (receive parsing, checksums, connection lookup, sequence
// checks, fast-path delivery into skbs, delayed ACKs, segment building, DMA between host and NIC memory, host
// rings) and its control as firmware on two embedded cores, each behind its own firmware bus (paper §4.4).
//
//  MAC rx ─► toe_rx ─seg records, payload─► rx_dispatch ─┬─► RX core events ─► fw_bus (RX core) ─cmd─┐
//                │ conn_table port                       ├─► TX core events ─► fw_bus (TX core) ─cmd─┤
//                └──────────────◄─────────── cmd_exec ◄──┼──────────────────────────────────────────┘
//                                              │ │ │ │    └─► ack_gen ─────────┐
//                    tcp_timers ◄──────────────┘ │ │ └─► tx_engine ─► tx_builder ┴─► tx_arbiter ─► MAC tx
//                    host_glue (rings, DMA) ◄────┘ └─► skb pools (RX: received data; TX: send queues)
//  toe_rx's slow path (ARP, non-TCP) ─► arp_responder ─► replies ahead of ack_gen's frames, into tx_arbiter
//
// Two skb pools: received data (rx_dispatch writes, host_glue reads, the firmware holds out-of-order segments)
// and send queues (tx_engine only). The split makes the model's receive reserve structural: sends can never use
// the blocks that carry the ACKs which free them. Wiring only: every function lives in a block.
import { defineModule, input, output, AxiLite, Bool, Stream, UInt, lit, mux } from '../../dsl/index.ts';
import { AXIL_FROM_SLAVE, AXI_FROM_SLAVE, Axi4, connectBus } from '../host/axi4.ts';
import { dmaShape } from '../host/dma-params.ts';
import { ToeRx } from '../toe_rx/toe-rx.ts';
import { RxDispatch } from '../rx_dispatch/rx-dispatch.ts';
import { CmdExec } from '../cmd_exec/cmd-exec.ts';
import { TxEngine } from '../tx_engine/tx-engine.ts';
import { HostGlue } from '../host_glue/host-glue.ts';
import { ArpResponder } from '../arp/arp-responder.ts';
import { AckGen } from '../ack_tx/ack-gen.ts';
import { TxArbiter } from '../ack_tx/tx-arbiter.ts';
import { TcpTimers } from '../timers/tcp-timers.ts';
import { SkbManager } from '../skb/skb-manager.ts';
import { FwBus } from '../fw_bus/fw-bus.ts';
import { defaultFwBusParams } from '../fw_bus/params.ts';
import { ADDR_BITS as FW_BUS_ADDR_BITS } from '../fw_bus/regmap.ts';
import { REG_ADDR_BITS } from '../host/layouts.ts';
import { EVENT_ENTRY_BITS, COMMAND_ENTRY_BITS } from '../lib/fw-record.ts';
import { CSR_ADDR_BITS } from './csr-map.ts';
import { ToeCsr } from './toe-csr.ts';
import { AxilSplit } from './axil-split.ts';
import { Merge } from './merge.ts';
import { join, leaves, share } from './share.ts';
import { toeTopDefaults, type ToeTopParams } from './params.ts';

/** Host AXI4-Lite: bit 12 chooses host_if's ring registers (0x0000) or the TOE CSRs (0x1000). */
export const HOST_AXIL_ADDR_BITS = 13;
export const TOE_CSR_BASE = 0x1000;

/** Counters shown in the TOE CSR space from COUNTER_BASE, in this order: [block, its output port]. */
export const TOP_COUNTERS = [
  ['rx_dispatch', 'rx_bad_count'], ['rx_dispatch', 'rx_not_for_us_count'], ['rx_dispatch', 'rx_dropped_count'],
  ['rx_dispatch', 'rx_nomem_count'], ['rx_dispatch', 'rx_too_long_count'], ['rx_dispatch', 'rx_fast_count'],
  ['rx_dispatch', 'rx_to_firmware_count'],
  ['cmd_exec', 'commands_count'], ['cmd_exec', 'bad_kind_count'], ['cmd_exec', 'bad_conn_count'], ['cmd_exec', 'no_conn_count'],
  ['cmd_exec', 'bad_field_count'], ['cmd_exec', 'insert_refused_count'], ['cmd_exec', 'fast_refused_count'],
  ['cmd_exec', 'deliver_refused_count'], ['cmd_exec', 'unknown_neighbour_count'], ['cmd_exec', 'timer_dropped_count'],
  ['cmd_exec', 'skb_error_count'], ['cmd_exec', 'rx_read_bad_conn_count'], ['cmd_exec', 'wnd_no_conn_count'],
  ['tx_engine', 'frames'], ['tx_engine', 'bad_conn_count'], ['tx_engine', 'seg_range_count'], ['tx_engine', 'sq_base_refused_count'],
  ['tx_engine', 'app_nomem_count'], ['tx_engine', 'skb_error_count'],
  ['ack_gen', 'frames'], ['ack_gen', 'acks_timer'], ['ack_gen', 'acks_threshold'], ['ack_gen', 'acks_immediate'],
  ['ack_gen', 'challenges_sent'], ['ack_gen', 'challenges_limited'], ['ack_gen', 'resets'],
  ['host_glue', 'bad_cmd_count'], ['host_glue', 'bad_hreq_count'], ['host_glue', 'bad_copy_count'], ['host_glue', 'dma_err_count'],
  ['arp', 'replies'], ['arp', 'busy'], ['arp', 'not_for_us'], ['arp', 'malformed'], ['arp', 'other'],
  ['top', 'slow_frames'],
  // Live levels, not counters: connections in the table, free blocks in each skb pool (after every close: 0, all).
  ['top', 'conns_in_use'], ['top', 'rx_pool_free'], ['top', 'tx_pool_free'],
] as const;
export const counterName = ([block, port]: readonly [string, string]) => `${block}_${port}`;

export const ToeTop = defineModule('toe_top', (m, params: Partial<ToeTopParams>) => {
  const p = { ...toeTopDefaults, ...params };
  const W = p.width;
  const hostIdBits = dmaShape(p.host.host).idBits + 1;
  const io = m.io({
    /** Frames from the MAC (tuser: FCS error). */
    mac_rx: input(Stream(W, { user: 1 })),
    /** Frames to the MAC (not padded: the MAC pads short frames and appends the FCS). */
    mac_tx: output(Stream(W, { keep: true, last: true })),
    /** The host's registers: rings at 0x0000, TOE CSRs at 0x1000. */
    s_axil: input(AxiLite(HOST_AXIL_ADDR_BITS)),
    /** Host memory: descriptors, completions and the users' buffers (zero-copy). */
    m_axi: output(Axi4({ addrBits: p.host.host.addrBits, dataBits: W, idBits: hostIdBits })),
    /** Host interrupt (completion coalescing, host_if). */
    irq: output(Bool),
    /** The receive and send cores' firmware buses (fw_bus register map) and their interrupts. */
    rx_core: input(AxiLite(FW_BUS_ADDR_BITS)),
    tx_core: input(AxiLite(FW_BUS_ADDR_BITS)),
    rx_core_irq: output(Bool),
    tx_core_irq: output(Bool),
  });

  const fwBusParams = { ...defaultFwBusParams, eventBits: EVENT_ENTRY_BITS, commandBits: COMMAND_ENTRY_BITS };
  const rx = m.instance(ToeRx, { width: W, sackBlocks: 4, counterBits: 32, conns: p.conns, ways: 4, stash: 4, seed: 1, blockBytes: p.skb.blockBytes, indexFromCmd: true }, { name: 'rx' });
  const disp = m.instance(RxDispatch, { sackBlocks: 4, conns: p.conns, skb: p.skb, segCountBits: 8 }, { name: 'dispatch' });
  const exec = m.instance(CmdExec, { conns: p.conns, neighbours: p.neighbours, timeoutBits: 31, skb: p.skb }, { name: 'commands' });
  const txe = m.instance(TxEngine, { ...p.txEngine, width: W, conns: p.conns, reserveBlocks: 0 }, { name: 'tx' });
  const host = m.instance(HostGlue, p.host, { name: 'host' });
  const ackGen = m.instance(AckGen, { width: W, conns: p.conns, ttl: p.txEngine.ttl }, { name: 'acks' });
  const arb = m.instance(TxArbiter, { width: W, ackBurst: 4 }, { name: 'arbiter' });
  const arp = m.instance(ArpResponder, { width: W }, { name: 'arp' });
  // ARP replies go ahead of ACK frames (rare and short); ACKs then meet data frames in `arb`.
  const ctlArb = m.instance(TxArbiter, { width: W, ackBurst: 1 }, { name: 'control_frames' });
  const timers = m.instance(TcpTimers, { ...p.timers, conns: p.conns }, { name: 'timers' });
  const rxPool = m.instance(SkbManager, p.skb, { name: 'rxPool' });
  const txPool = m.instance(SkbManager, p.skb, { name: 'txPool' });
  const rxBus = m.instance(FwBus, fwBusParams, { name: 'rxCoreBus' });
  const txBus = m.instance(FwBus, fwBusParams, { name: 'txCoreBus' });
  const csr = m.instance(ToeCsr, { counters: TOP_COUNTERS.map(counterName) }, { name: 'csr' });
  const split = m.instance(AxilSplit, { addrBits: HOST_AXIL_ADDR_BITS, s0AddrBits: REG_ADDR_BITS, s1AddrBits: CSR_ADDR_BITS }, { name: 'hostRegs' });

  const localMac = csr.mac_hi.zext(48).shl(32).or(csr.mac_lo.zext(48));
  const localIp = csr.ip;
  // One clock for the TCP timers and the TCP timestamps: microseconds (TICK_CYCLES clock cycles each).
  timers.prescale.set(csr.tick_cycles);
  const usClock = timers.now;

  // ---- Host side: registers split between host_if's rings and the TOE CSRs; memory; interrupt.
  connectBus(io.s_axil, split.s_axil, AXIL_FROM_SLAVE);
  connectBus(split.m0, host.s_axil, AXIL_FROM_SLAVE);
  connectBus(split.m1, csr.s_axil, AXIL_FROM_SLAVE);
  connectBus(host.m_axi, io.m_axi, AXI_FROM_SLAVE);
  io.irq.set(host.irq);

  // ---- The cores' buses: AXI4-Lite in, events in, commands out, windows onto the CSRs.
  connectBus(io.rx_core, rxBus.s_axil, AXIL_FROM_SLAVE);
  connectBus(io.tx_core, txBus.s_axil, AXIL_FROM_SLAVE);
  io.rx_core_irq.set(rxBus.irq);
  io.tx_core_irq.set(txBus.irq);
  join(csr.win0_req, rxBus.win_req, 'rx core window');
  join(rxBus.win_resp, csr.win0_resp, 'rx core window response');
  join(csr.win1_req, txBus.win_req, 'tx core window');
  join(txBus.win_resp, csr.win1_resp, 'tx core window response');
  join(exec.rx_cmd, rxBus.cmd, 'rx core commands');
  join(exec.tx_cmd, txBus.cmd, 'tx core commands');
  share(m, { name: 'rx_events', target: rxBus.event, clients: [disp.rx_event, exec.rx_event, host.rx_event] });
  share(m, { name: 'tx_events', target: txBus.event, clients: [disp.tx_event, exec.tx_event, host.tx_event] });

  // ---- Receive: MAC -> toe_rx -> rx_dispatch; the connection table's firmware port is cmd_exec's.
  join(rx.rx, io.mac_rx, 'MAC rx');
  join(disp.payload, rx.payload, 'payload');
  join(disp.seg, rx.seg, 'segment records');
  rx.buf_ready.set(disp.buf_ready);
  rx.stats_sel.set(0);
  join(rx.cmd, exec.ct_cmd, 'conn_table commands');
  join(exec.ct_resp, rx.resp, 'conn_table responses');
  // Slow-path frames (ARP, non-TCP, fragments): ARP requests for us are answered, the rest counted and dropped.
  join(arp.s_axis, rx.slow, 'slow path');
  arp.local_ip.set(localIp);
  arp.local_mac.set(localMac);
  const slowFrames = m.reg(UInt(32), { reset: 0, name: 'slow_frames' });
  slowFrames.set(mux(rx.slow.tvalid.land(rx.slow.tlast), slowFrames.add(1), slowFrames));
  disp.local_ip.set(localIp);
  disp.local_mac.set(localMac);
  disp.rx_popped.valid.set(rxBus.popped_valid);
  disp.rx_popped.data.set(rxBus.popped_data);
  disp.segs_queued_query.conn.set(exec.segs_queued_query.conn);
  exec.segs_queued_query.zero.set(disp.segs_queued_query.zero);
  // Neighbours: learned from received TCP frames and ARP frames aimed at us, or entered by the host (NEIGH_* CSRs:
  // an active open needs the peer's MAC before any frame from it; the TOE sends no ARP requests). The host's entry
  // wins its cycle, then ARP's; a learning lost that way comes again with the peer's next frame.
  const staticNeigh = csr.neigh_mac_hi_written;
  const arpLearn = arp.learn_valid.land(staticNeigh.lnot());
  exec.learn.valid.set(staticNeigh.lor(arp.learn_valid).lor(disp.learn.valid));
  exec.learn.ip.set(mux(staticNeigh, csr.neigh_ip, mux(arpLearn, arp.learn_ip, disp.learn.ip)));
  exec.learn.mac.set(mux(staticNeigh, csr.neigh_mac_hi.zext(48).shl(32).or(csr.neigh_mac_lo.zext(48)), mux(arpLearn, arp.learn_mac, disp.learn.mac)));

  // ---- cmd_exec's other partners.
  exec.local_ip.set(localIp);
  exec.local_mac.set(localMac);
  join(timers.cmd, exec.timer_cmd, 'timer commands');
  join(exec.timer_evt, timers.evt, 'timer events');
  join(ackGen.sack_set, exec.sack_set, 'SACK sets');
  join(txe.txr, exec.txr, 'tx requests');
  join(txe.sq_delete, exec.sq_delete, 'send-queue deletes');
  join(txe.sq_base, exec.sq_base, 'send-queue bases');
  join(host.hreq, exec.hreq, 'host requests');

  // ---- ACKs: rx_dispatch's fast-path events and cmd_exec's TX_ACKs share ack_gen's event port.
  share(m, { name: 'ack_events', target: ackGen.ev, clients: [disp.ack_ev, exec.ack_ev] });
  join(ackGen.tx_acked, txe.tx_acked, 'tx reports');
  ackGen.delack_timeout.set(csr.delack_cycles);
  ackGen.chal_interval.set(csr.chal_interval);
  ackGen.chal_limit.set(csr.chal_limit);
  ackGen.tsval.set(usClock);

  // ---- Transmit: tx_engine's segments and ack_gen's ACKs onto the MAC.
  txe.local_mac.set(localMac);
  txe.tsval.set(usClock);
  join(ctlArb.ack, arp.m_axis, 'ARP replies');
  join(ctlArb.data, ackGen.m_axis, 'ACK frames');
  join(arb.ack, ctlArb.m_axis, 'control frames');
  join(arb.data, txe.m_axis, 'data frames');
  join(io.mac_tx, arb.m_axis, 'MAC tx');

  // ---- Host glue: COPY_IN's bytes into tx_engine's send queues; receive-queue data out to the host.
  join(txe.sq_app, host.sq_app, 'send-queue appends');
  join(host.sq_app_done, txe.sq_app_done, 'append results');
  // The host consumed received bytes: cmd_exec reopens the connection's receive window (and posts WND_OPEN).
  exec.rx_read.valid.set(host.rx_read.valid);
  exec.rx_read.conn.set(host.rx_read.conn);
  exec.rx_read.len.set(host.rx_read.len.zext(exec.rx_read.len.width));

  // The peer's FIN consumed (DELIVER with fin): the host's end of stream, after the data before it.
  host.eof_notify.valid.set(exec.eof_notify.valid);
  host.eof_notify.conn.set(exec.eof_notify.conn);

  // ---- The send pool: tx_engine's alone.
  share(m, { name: 'tx_alloc', target: txPool.alloc, clients: [txe.skb_alloc], echoes: ['id'] });
  share(m, { name: 'tx_free', target: txPool.free, clients: [txe.skb_free] });
  share(m, { name: 'tx_q', target: txPool.q, clients: [txe.skb_q], response: { target: txPool.q_resp, clients: [txe.skb_q_resp], latency: 2 } });
  share(m, { name: 'tx_meta_rd', target: txPool.meta_rd, alwaysReady: true, clients: [txe.skb_meta_rd], response: { target: txPool.meta_resp, clients: [txe.skb_meta_resp], latency: 1 } });
  share(m, { name: 'tx_wr', target: txPool.wr, alwaysReady: true, clients: [txe.skb_wr] });
  share(m, { name: 'tx_rd', target: txPool.rd, alwaysReady: true, clients: [txe.skb_rd], response: { target: txPool.rd_resp, clients: [txe.skb_rd_resp], latency: 1 } });
  txe.skb_free_count.set(txPool.free_count);
  idle(txPool.get);
  idle(txPool.meta_wr);
  // A COPY_IN that ran out of send blocks waits for MEM_AVAILABLE: blocks are back.
  host.mem_ok.set(txPool.nomem.lnot());
  host.skb_free_count.set(saturate(txPool.free_count, 16));

  // ---- The receive pool: rx_dispatch fills it, host_glue drains it, cmd_exec frees what the firmware held.
  share(m, { name: 'rx_alloc', target: rxPool.alloc, clients: [disp.skb_alloc], echoes: ['id'] });
  share(m, { name: 'rx_wr', target: rxPool.wr, alwaysReady: true, clients: [disp.skb_wr] });
  share(m, { name: 'rx_free', target: rxPool.free, clients: [exec.skb_free, host.skb_free] });
  share(m, {
    name: 'rx_q', target: rxPool.q, clients: [disp.skb_q, exec.skb_q, host.skb_q],
    response: { target: rxPool.q_resp, clients: [undefined, exec.skb_q_resp, host.skb_q_resp], latency: 2 },
  });
  share(m, { name: 'rx_meta_rd', target: rxPool.meta_rd, alwaysReady: true, clients: [host.skb_meta_rd], response: { target: rxPool.meta_resp, clients: [host.skb_meta_resp], latency: 1 } });
  share(m, { name: 'rx_rd', target: rxPool.rd, alwaysReady: true, clients: [host.skb_rd], response: { target: rxPool.rd_resp, clients: [host.skb_rd_resp], latency: 1 } });
  idle(rxPool.get);
  // meta writes: cmd_exec's (DELIVER) cannot wait, so it goes first; rx_dispatch's waits a cycle.
  const execMeta = exec.skb_meta_wr;
  for (const l of leaves(rxPool.meta_wr)) {
    const fromExec = (execMeta as unknown as Record<string, unknown>)[l.path] as never;
    l.sig.set(l.path === 'valid' ? execMeta.valid.lor(disp.skb_meta_wr.valid) : mux(execMeta.valid, fromExec, (disp.skb_meta_wr as unknown as Record<string, never>)[l.path]));
  }
  disp.skb_meta_wr.ready.set(execMeta.valid.lnot());
  // Receive-queue data is there for the host once its enqueue has committed (any producer).
  const qr = rxPool.q_resp;
  host.rq_notify.valid.set(qr.valid.land(qr.op.eq(0)).land(qr.dir).land(qr.error.eq(0)));
  host.rq_notify.conn.set(qr.conn);

  // ---- Counters for the host (TOE CSRs) and the cores (windows).
  const blocks: Record<string, unknown> = { rx_dispatch: disp, cmd_exec: exec, tx_engine: txe, ack_gen: ackGen, host_glue: host, arp, top: {
    slow_frames: slowFrames, conns_in_use: rx.conn_stats.occupancy.zext(32),
    rx_pool_free: rxPool.free_count.zext(32), tx_pool_free: txPool.free_count.zext(32),
  } };
  for (const c of TOP_COUNTERS) {
    const [block, port] = c;
    ((csr as unknown as Record<string, { set(v: unknown): void }>)[`cnt_${counterName(c)}`])!.set((blocks[block] as Record<string, unknown>)[port]);
  }
  return io;
});

/** A request port nobody uses: never valid. */
function idle(port: object): void {
  for (const l of leaves(port)) if (l.path !== 'ready') l.sig.set(l.path === 'valid' ? lit(false, Bool) : lit(0, UInt(l.sig.width)));
}

/** `v` clipped to `bits` bits (all ones when it does not fit). */
function saturate(v: import('../../dsl/index.ts').Sig, bits: number) {
  if (v.width <= bits) return v.zext(bits);
  return mux(v.slice(v.width - 1, bits).orR(), lit((1 << bits) - 1, UInt(bits)), v.trunc(bits));
}
