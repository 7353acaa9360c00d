// The TOE's host interface: ring engine + DMA engine + the send and receive paths between them, on one AXI4
// master and one AXI4-Lite slave.
//
//   host ─AXI4-Lite─▶ ring_engine ─tx_desc─▶ tx path ─rd_cmd─▶ dma_engine ─nic_wr─▶ NIC buffer memory
//                           │      ─rx_desc─▶ rx path ─wr_cmd─▶     │      ◀─nic_rd─
//                           │      ─cmd_desc──────────────────────────────────────▶ firmware
//                           ◀─cpl── round robin of TX, RX and firmware (cmd_cpl) completions
//   host ◀─AXI4── axi_mux ◀─ ring_engine (descriptors, completions), dma_engine (payload)
//
// NIC side: tx_buf (free NIC buffers for sends) in, tx_data (sends ready in NIC memory) out, rx_data (received
// payload in NIC memory) in, rx_free (its buffer is released) out, cmd_desc out, cmd_cpl in.
import { defineModule, input, output, AxiLite, Bool, Struct, UInt } from '../../dsl/index.ts';
import { AXIL_FROM_SLAVE, AXI_FROM_SLAVE, Axi4, connectBus } from './axi4.ts';
import { Handshake, connect } from './handshake.ts';
import { REG_ADDR_BITS } from './layouts.ts';
import { CplFields } from './cpl-writer.ts';
import { CplMerge } from './cpl-merge.ts';
import { CmdDescPort, RingEngine, ringEngineDefaults } from './ring-engine.ts';
import { DmaEngine } from './dma-engine.ts';
import { dmaDefaults, dmaShape, NicRead, NicWrite } from './dma-params.ts';
import { AxiMux } from './axi-mux.ts';
import { TxBuf, TxData, TxPath, type HostPathParams } from './tx-path.ts';
import { RxData, RxPath } from './rx-path.ts';

export const hostIfDefaults: HostPathParams = { ...dmaDefaults, ...ringEngineDefaults };

export const HostIf = defineModule('host_if', (m, p: HostPathParams) => {
  const { nicWordBits, idBits } = dmaShape(p);
  const io = m.io({
    s_axil: input(AxiLite(REG_ADDR_BITS)),
    m_axi: output(Axi4({ addrBits: p.addrBits, dataBits: p.width, idBits: idBits + 1 })),
    irq: output(Bool),
    nic_wr: output(NicWrite(p, nicWordBits)),
    nic_rd: output(NicRead(nicWordBits)),
    nic_rdata: input(Struct({ data: UInt(p.width), valid: Bool })),
    tx_buf: input(TxBuf(p)),
    tx_data: output(TxData(p)),
    rx_data: input(RxData(p)),
    rx_free: output(RxData(p)),
    cmd_desc: output(CmdDescPort),
    cmd_cpl: input(Handshake(CplFields)),
  });
  const ring = m.instance(RingEngine, { width: p.width, addrBits: p.addrBits, lenBits: p.lenBits, batch: p.batch, depth: p.depth, timerBits: p.timerBits }, { name: 'rings' });
  const dma = m.instance(DmaEngine, { width: p.width, addrBits: p.addrBits, nicAddrBits: p.nicAddrBits, lenBits: p.lenBits, tagBits: p.tagBits, tags: p.tags, maxBurst: p.maxBurst, maxWrites: p.maxWrites }, { name: 'dma' });
  const tx = m.instance(TxPath, p, { name: 'send' });
  const rx = m.instance(RxPath, p, { name: 'receive' });
  const mux2 = m.instance(AxiMux, { addrBits: p.addrBits, dataBits: p.width, idBits0: 1, idBits1: idBits }, { name: 'bus' });

  // ---- Buses.
  connectBus(io.s_axil, ring.s_axil, AXIL_FROM_SLAVE);
  connectBus(ring.m_axi, mux2.s0, AXI_FROM_SLAVE);
  connectBus(dma.m_axi, mux2.s1, AXI_FROM_SLAVE);
  connectBus(mux2.m_axi, io.m_axi, AXI_FROM_SLAVE);
  io.irq.set(ring.irq);

  // ---- NIC memory and NIC side.
  connect(io.nic_wr, dma.nic_wr);
  connect(io.nic_rd, dma.nic_rd);
  dma.nic_rdata.data.set(io.nic_rdata.data);
  dma.nic_rdata.valid.set(io.nic_rdata.valid);
  connect(tx.tx_desc, ring.tx_desc);
  connect(tx.tx_buf, io.tx_buf);
  connect(dma.rd_cmd, tx.rd_cmd);
  connect(tx.rd_done, dma.rd_done);
  connect(io.tx_data, tx.tx_data);
  connect(rx.rx_desc, ring.rx_desc);
  connect(rx.rx_data, io.rx_data);
  connect(dma.wr_cmd, rx.wr_cmd);
  connect(rx.wr_done, dma.wr_done);
  connect(io.rx_free, rx.rx_free);
  connect(io.cmd_desc, ring.cmd_desc);

  // ---- Completions: the send path's, the receive path's and the firmware's, round robin.
  const merge = m.instance(CplMerge, { inputs: 3 }, { name: 'completions' });
  connect(merge.in[0]!, tx.cpl);
  connect(merge.in[1]!, rx.cpl);
  connect(merge.in[2]!, io.cmd_cpl);
  connect(ring.cpl, merge.out);
  return io;
}, hostIfDefaults);
