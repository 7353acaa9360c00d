// The host interface's send path: each TX descriptor becomes one DMA read from the user's buffer straight into
// NIC buffer memory (zero-copy). Descriptors chained with MORE are gathered into one contiguous NIC buffer
// taken from `tx_buf` (the skb manager's free buffers) at the chain's first descriptor. Every descriptor gets a
// TX completion once its bytes are in NIC memory (the user buffer may be reused); the chain's last one also
// hands the send to the NIC side on `tx_data`, with the whole chain's checksum-on-copy and any DMA error. A
// chain with an aborted (bad) descriptor or a failed DMA is handed over with `error` set: its buffer is to be
// freed, not sent.
import { defineModule, input, output, Bool, UInt, lit, mux, when } from '../../dsl/index.ts';
import { Handshake } from './handshake.ts';
import { CplKind, CplStatus, INDEX_BITS, RingId, TxFlags } from './layouts.ts';
import { CplPort } from './cpl-writer.ts';
import { DmaCmd, DmaDone, type DmaParams } from './dma-params.ts';
import { TxDescPort, type RingEngineParams } from './ring-engine.ts';
import { queue } from '../lib/fifo.ts';
import { onesAdd16, swapBytes16 } from '../checksum/ones-sum.ts';

export type HostPathParams = DmaParams & RingEngineParams;

/** A send handed to the NIC side: `len` bytes at NIC buffer address `addr`, their partial checksum, the flags. */
export const TxData = (p: HostPathParams) => Handshake({ conn: UInt(16), addr: UInt(p.nicAddrBits), len: UInt(p.nicAddrBits), csum: UInt(16), flags: UInt(8), error: Bool });
/** A free NIC buffer for the next send. */
export const TxBuf = (p: HostPathParams) => Handshake({ addr: UInt(p.nicAddrBits) });

export const TxPath = defineModule('host_tx_path', (m, p: HostPathParams) => {
  const io = m.io({
    tx_desc: input(TxDescPort(p)),
    tx_buf: input(TxBuf(p)),
    rd_cmd: output(DmaCmd(p)),
    rd_done: input(DmaDone(p)),
    tx_data: output(TxData(p)),
    cpl: output(CplPort),
  });
  const d = io.tx_desc;

  // ---- Issue: one DMA read per descriptor, into the chain's buffer at the chain's running offset. An aborted
  // descriptor (rejected by the ring engine, which has answered it) moves no data but fails its chain.
  const pend = queue(m, 'pend', { index: INDEX_BITS, conn: 16, len: p.lenBits, flags: 8, base: p.nicAddrBits, odd: 1, abort: 1 }, 16);
  const inChain = m.reg(Bool, { reset: false });
  const base = m.reg(UInt(p.nicAddrBits), { reset: 0 });
  const offset = m.reg(UInt(p.nicAddrBits), { reset: 0 });
  const haveBuf = inChain.lor(io.tx_buf.valid);
  const chainBase = mux(inChain, base, io.tx_buf.addr);
  const at = mux(inChain, offset, lit(0, UInt(p.nicAddrBits)));
  const dmaReady = d.abort.lor(io.rd_cmd.ready);
  const issue = d.valid.land(haveBuf).land(pend.canPush).land(dmaReady);
  io.rd_cmd.valid.set(d.valid.land(d.abort.lnot()).land(haveBuf).land(pend.canPush));
  io.rd_cmd.hostAddr.set(d.addr);
  io.rd_cmd.nicAddr.set(chainBase.add(at));
  io.rd_cmd.len.set(d.len);
  io.rd_cmd.tag.set(d.index.trunc(p.tagBits));
  d.ready.set(haveBuf.land(pend.canPush).land(dmaReady));
  io.tx_buf.ready.set(issue.land(inChain.lnot()));
  pend.push(issue, { index: d.index, conn: d.conn, len: mux(d.abort, lit(0, d.len.type), d.len), flags: d.flags, base: chainBase, odd: at.bit(0), abort: d.abort });
  const more = d.flags.bit(Math.log2(TxFlags.MORE));
  when(issue, () => {
    inChain.set(more);
    base.set(chainBase);
    offset.set(at.add(mux(d.abort, lit(0, d.len.type), d.len).zext(p.nicAddrBits)));
  });

  // ---- Done (in order): a completion per descriptor, the send to the NIC side at the chain's end.
  const cplQ = queue(m, 'cplQ', { status: 8, index: INDEX_BITS, conn: 16, len: 32, csum: 16 }, 4);
  const dataQ = queue(m, 'dataQ', { conn: 16, addr: p.nicAddrBits, len: p.nicAddrBits, csum: 16, flags: 8, error: 1 }, 4);
  const h = pend.head;
  const lastOfChain = h.flags.bit(Math.log2(TxFlags.MORE)).lnot();
  const room = cplQ.canPush.land(lastOfChain.lnot().lor(dataQ.canPush));
  const retire = pend.valid.land(h.abort.lor(io.rd_done.valid)).land(room);
  io.rd_done.ready.set(pend.valid.land(h.abort.lnot()).land(room));
  pend.pop(retire);
  const chainFirst = m.reg(Bool, { reset: true });
  const chainSum = m.reg(UInt(16), { reset: 0 });
  const chainLen = m.reg(UInt(p.nicAddrBits), { reset: 0 });
  const chainErr = m.reg(Bool, { reset: false });
  const sum = mux(h.abort, lit(0, UInt(16)), io.rd_done.csum);
  const piece = mux(h.odd, swapBytes16(sum), sum);
  const sumNow = mux(chainFirst, piece, onesAdd16(chainSum, piece));
  const lenNow = mux(chainFirst, lit(0, UInt(p.nicAddrBits)), chainLen).add(h.len.zext(p.nicAddrBits));
  const failed = h.abort.lnot().land(io.rd_done.status.ne(0));
  const errNow = h.abort.lor(failed).lor(chainFirst.lnot().land(chainErr));
  when(retire, () => {
    chainFirst.set(lastOfChain);
    chainSum.set(sumNow);
    chainLen.set(lenNow);
    chainErr.set(errNow);
  });
  // An aborted descriptor's completion came from the ring engine.
  cplQ.push(retire.land(h.abort.lnot()), {
    status: mux(failed, io.rd_done.status.zext(8), lit(CplStatus.OK, UInt(8))), index: h.index, conn: h.conn,
    len: h.len.zext(32), csum: io.rd_done.csum,
  });
  dataQ.push(retire.land(lastOfChain), {
    conn: h.conn, addr: h.base, len: lenNow, csum: sumNow, flags: h.flags.and(~TxFlags.MORE & 0xff), error: errNow,
  });

  io.cpl.valid.set(cplQ.valid);
  io.cpl.kind.set(CplKind.TX);
  io.cpl.status.set(cplQ.head.status);
  io.cpl.ring.set(RingId.TX);
  io.cpl.flags.set(0);
  io.cpl.index.set(cplQ.head.index);
  io.cpl.conn.set(cplQ.head.conn);
  io.cpl.len.set(cplQ.head.len);
  io.cpl.csum.set(cplQ.head.csum);
  cplQ.pop(io.cpl.ready);
  io.tx_data.valid.set(dataQ.valid);
  io.tx_data.conn.set(dataQ.head.conn);
  io.tx_data.addr.set(dataQ.head.addr);
  io.tx_data.len.set(dataQ.head.len);
  io.tx_data.csum.set(dataQ.head.csum);
  io.tx_data.flags.set(dataQ.head.flags);
  io.tx_data.error.set(dataQ.head.error);
  dataQ.pop(io.tx_data.ready);
  return io;
});
