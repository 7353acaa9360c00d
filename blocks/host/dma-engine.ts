// The DMA engine: the read path (host → NIC buffer memory) and the write path (NIC buffer memory → host) side by
// side on one AXI4 master. They share nothing but the bus: reads use AR/R with IDs 0..tags-1, writes AW/W/B
// with ID 0. Commands complete in order per direction, each with its checksum-on-copy and worst AXI response.
import { defineModule, input, output, Bool, Struct, UInt } from '../../dsl/index.ts';
import { AXI_FROM_SLAVE, Axi4, axiReadFields, axiWriteFields, connectBus } from './axi4.ts';
import { DmaCmd, DmaDone, NicRead, NicWrite, dmaDefaults, dmaShape, type DmaParams } from './dma-params.ts';
import { DmaRead } from './dma-read.ts';
import { DmaWrite } from './dma-write.ts';
import { connect, copyFields } from './handshake.ts';

export const DmaEngine = defineModule('dma_engine', (m, p: DmaParams) => {
  const { nicWordBits, axi } = dmaShape(p);
  const io = m.io({
    rd_cmd: input(DmaCmd(p)),
    rd_done: output(DmaDone(p)),
    wr_cmd: input(DmaCmd(p)),
    wr_done: output(DmaDone(p)),
    m_axi: output(Axi4(axi)),
    nic_wr: output(NicWrite(p, nicWordBits)),
    nic_rd: output(NicRead(nicWordBits)),
    nic_rdata: input(Struct({ data: UInt(p.width), valid: Bool })),
  });
  const rd = m.instance(DmaRead, p, { name: 'reader' });
  const wr = m.instance(DmaWrite, p, { name: 'writer' });
  connect(rd.cmd, io.rd_cmd);
  connect(io.rd_done, rd.done);
  connect(io.nic_wr, rd.nic_wr);
  connectBus(rd.m_axi, io.m_axi, AXI_FROM_SLAVE, Object.keys(axiReadFields(axi)));
  connect(wr.cmd, io.wr_cmd);
  connect(io.wr_done, wr.done);
  connect(io.nic_rd, wr.nic_rd);
  copyFields(wr.nic_rdata, io.nic_rdata, ['data', 'valid']);
  connectBus(wr.m_axi, io.m_axi, AXI_FROM_SLAVE, Object.keys(axiWriteFields(axi)));
  return io;
}, dmaDefaults);
