// host_glue: the host interface joined to the TOE's cores, as HostStack and Toe.hostCommand / hostSendBuffer /
// copyIn and HOST_NOTE do in the model (sim/toe_model/host.ts, toe.ts).
//
//   host ─AXI4-Lite─▶ ring_engine ─cmd_desc─▶ cmd_events ─▶ rx_event (HOST_LISTEN/CONNECT/CLOSE/ABORT/UNLISTEN)
//                         │        ─tx_desc──▶ send_requests ─▶ tx_event (HOST_SEND, COPY_DONE, MEM_AVAILABLE)
//                         │                      │  ▲ hreq (COPY_IN, HOST_NOTE from cmd_exec)
//                         │                      ├─rd_cmd─▶ dma_engine ─nic_wr─▶ send_requests ─▶ sq_app ─▶ tx_engine
//                         │        ─rx_desc──▶ rx_path ◀─rx_data── recv_feed ◀── rq_notify; skb_q / skb_meta_rd
//                         │                      └─wr_cmd─▶ dma_engine ─nic_rd─▶ skb_rd (the skb buffer is NIC memory)
//                         ◀─cpl── merge ◀── NOTE completions, RX completions, BAD_OPCODE, FIN (eof_notify)
//   host ◀─AXI4── axi_mux ◀── ring_engine (descriptors, completions) + dma_engine (payload)
import { defineModule, input, output, AxiLite, Bool, Struct, UInt } from '../../dsl/index.ts';
import { AXIL_FROM_SLAVE, AXI_FROM_SLAVE, Axi4, connectBus } from '../host/axi4.ts';
import { connect, copyFields } from '../host/handshake.ts';
import { CplFlags, CplKind, CplStatus, REG_ADDR_BITS, RingId } from '../host/layouts.ts';
import { RingEngine } from '../host/ring-engine.ts';
import { DmaEngine } from '../host/dma-engine.ts';
import { dmaShape } from '../host/dma-params.ts';
import { AxiMux } from '../host/axi-mux.ts';
import { CplMerge } from '../host/cpl-merge.ts';
import { RxPath } from '../host/rx-path.ts';
import { Handshake } from '../host/handshake.ts';
import { skbGeometry } from '../skb/params.ts';
import { RecvFeed, skbPorts } from './recv-feed.ts';
import { CmdEvents } from './cmd-events.ts';
import { SendRequests } from './send-requests.ts';
import { EventPort, HreqPort, SqAppDonePort, SqAppPort } from './ports.ts';
import { hostGlueDefaults, type HostGlueParams } from './params.ts';

export const HostGlue = defineModule('host_glue', (m, params: HostGlueParams) => {
  const p = params.host;
  const { idBits } = dmaShape(p);
  const g = skbGeometry(params.skb);
  if (params.skb.width !== p.width) throw new Error(`host_glue: skb width ${params.skb.width} must equal the DMA width ${p.width}`);
  const io = m.io({
    s_axil: input(AxiLite(REG_ADDR_BITS)),
    m_axi: output(Axi4({ addrBits: p.addrBits, dataBits: p.width, idBits: idBits + 1 })),
    irq: output(Bool),
    rx_event: output(EventPort),
    tx_event: output(EventPort),
    hreq: input(HreqPort),
    sq_app: output(SqAppPort(p.width)),
    sq_app_done: input(SqAppDonePort),
    rq_notify: input(Handshake({ conn: UInt(16) })),
    eof_notify: input(Struct({ valid: Bool, conn: UInt(16) })),
    rx_read: output(Struct({ valid: Bool, conn: UInt(16), len: UInt(p.lenBits) })),
    ...skbPorts(params.skb),
    skb_rd: output(Handshake({ block: UInt(params.skb.idBits), offset: UInt(g.offsetBits) })),
    skb_rd_resp: input(Struct({ valid: Bool, data: UInt(p.width), error: Bool })),
    mem_ok: input(Bool),
    skb_free_count: input(UInt(16)),
    bad_cmd_count: output(UInt(32)),
    bad_hreq_count: output(UInt(32)),
    bad_copy_count: output(UInt(32)),
    dma_err_count: output(UInt(32)),
    bad_notify_count: output(UInt(32)),
  });
  const ring = m.instance(RingEngine, { width: p.width, addrBits: p.addrBits, lenBits: p.lenBits, batch: p.batch, depth: p.depth, timerBits: p.timerBits }, { name: 'rings' });
  const dma = m.instance(DmaEngine, { width: p.width, addrBits: p.addrBits, nicAddrBits: p.nicAddrBits, lenBits: p.lenBits, tagBits: p.tagBits, tags: p.tags, maxBurst: p.maxBurst, maxWrites: p.maxWrites }, { name: 'dma' });
  const bus = m.instance(AxiMux, { addrBits: p.addrBits, dataBits: p.width, idBits0: 1, idBits1: idBits }, { name: 'bus' });
  const cmds = m.instance(CmdEvents, {}, { name: 'commands' });
  const sends = m.instance(SendRequests, { width: p.width, addrBits: p.addrBits, nicAddrBits: p.nicAddrBits, lenBits: p.lenBits, tagBits: p.tagBits, sends: params.sends }, { name: 'sends' });
  const recv = m.instance(RxPath, p, { name: 'receive' });
  const feed = m.instance(RecvFeed, { nicAddrBits: p.nicAddrBits, lenBits: p.lenBits, skb: params.skb }, { name: 'feed' });
  const merge = m.instance(CplMerge, { inputs: 4 }, { name: 'completions' });

  connectBus(io.s_axil, ring.s_axil, AXIL_FROM_SLAVE);
  connectBus(ring.m_axi, bus.s0, AXI_FROM_SLAVE);
  connectBus(dma.m_axi, bus.s1, AXI_FROM_SLAVE);
  connectBus(bus.m_axi, io.m_axi, AXI_FROM_SLAVE);
  io.irq.set(ring.irq);

  connect(cmds.cmd_desc, ring.cmd_desc);
  connect(io.rx_event, cmds.rx_event);
  connect(sends.tx_desc, ring.tx_desc);
  connect(sends.hreq, io.hreq);
  connect(dma.rd_cmd, sends.rd_cmd);
  connect(sends.rd_done, dma.rd_done);
  connect(sends.nic_wr, dma.nic_wr);
  connect(io.sq_app, sends.sq_app);
  connect(sends.sq_app_done, io.sq_app_done);
  connect(io.tx_event, sends.tx_event);
  sends.mem_ok.set(io.mem_ok);
  sends.skb_free_count.set(io.skb_free_count);
  connect(merge.in[0]!, sends.cpl);
  connect(merge.in[1]!, cmds.cpl);
  connect(merge.in[2]!, recv.cpl);
  // The peer's FIN: an RX completion with flag FIN and no bytes (it uses no RX buffer), after the data before it.
  const finCpl = merge.in[3]!;
  finCpl.valid.set(feed.fin.valid);
  feed.fin.ready.set(finCpl.ready);
  finCpl.kind.set(CplKind.RX);
  finCpl.status.set(CplStatus.OK);
  finCpl.ring.set(RingId.RX);
  finCpl.flags.set(CplFlags.FIN);
  finCpl.index.set(0);
  finCpl.conn.set(feed.fin.conn);
  finCpl.len.set(0);
  finCpl.csum.set(0);
  feed.rx_final.set(recv.cpl.valid.land(merge.in[2]!.ready).land(recv.cpl.flags.bit(Math.log2(CplFlags.MORE)).lnot()));
  copyFields(feed.eof_notify, io.eof_notify, ['valid', 'conn']);
  connect(ring.cpl, merge.out);

  // ---- Receive: receive-queue blocks -> the receive path -> DMA writes into the posted RX buffers. NIC memory
  // is the skb buffer: a word address is (block, beat offset).
  connect(feed.rq_notify, io.rq_notify);
  copyFields(io.rx_read, feed.rx_read, ['valid', 'conn', 'len']);
  connect(io.skb_q, feed.skb_q);
  copyFields(feed.skb_q_resp, io.skb_q_resp, Object.keys(io.skb_q_resp));
  connect(io.skb_meta_rd, feed.skb_meta_rd);
  copyFields(feed.skb_meta_resp, io.skb_meta_resp, Object.keys(io.skb_meta_resp));
  connect(io.skb_free, feed.skb_free);
  connect(recv.rx_data, feed.rx_data);
  connect(feed.rx_free, recv.rx_free);
  connect(recv.rx_desc, ring.rx_desc);
  connect(dma.wr_cmd, recv.wr_cmd);
  connect(recv.wr_done, dma.wr_done);
  const wordAddr = dma.nic_rd.addr;
  io.skb_rd.valid.set(dma.nic_rd.valid);
  io.skb_rd.block.set(wordAddr.slice(wordAddr.width - 1, g.offsetBits).zext(p.nicAddrBits).trunc(params.skb.idBits));
  io.skb_rd.offset.set(wordAddr.trunc(g.offsetBits));
  dma.nic_rd.ready.set(io.skb_rd.ready);
  dma.nic_rdata.valid.set(io.skb_rd_resp.valid);
  dma.nic_rdata.data.set(io.skb_rd_resp.data);

  io.bad_cmd_count.set(cmds.bad_cmd_count);
  io.bad_hreq_count.set(sends.bad_hreq_count);
  io.bad_copy_count.set(sends.bad_copy_count);
  io.dma_err_count.set(sends.dma_err_count);
  io.bad_notify_count.set(feed.bad_notify_count);
  return io;
}, hostGlueDefaults);
