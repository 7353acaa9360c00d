// The host interface's receive path: payload waiting in NIC buffer memory (`rx_data`) is DMA'd straight into the
// user buffers the host posted on the RX ring (zero-copy), filling one buffer after another when it is longer
// than a buffer. Each buffer gets an RX completion (MORE when the payload continues in the next one); once the
// payload's last byte is in host memory, `rx_free` tells the NIC side its buffer can be released.
import { defineModule, input, output, Bool, UInt, lit, mux, when } from '../../dsl/index.ts';
import { Handshake } from './handshake.ts';
import { CplFlags, CplKind, CplStatus, INDEX_BITS, RingId } from './layouts.ts';
import { CplPort } from './cpl-writer.ts';
import { DmaCmd, DmaDone } from './dma-params.ts';
import { RxDescPort } from './ring-engine.ts';
import type { HostPathParams } from './tx-path.ts';
import { queue } from '../lib/fifo.ts';

/** Received payload for the host: `len` bytes at NIC buffer address `addr`, for connection `conn`. */
export const RxData = (p: Pick<HostPathParams, 'nicAddrBits' | 'lenBits'>) => Handshake({ conn: UInt(16), addr: UInt(p.nicAddrBits), len: UInt(p.lenBits) });

export const RxPath = defineModule('host_rx_path', (m, p: HostPathParams) => {
  const io = m.io({
    rx_data: input(RxData(p)),
    rx_desc: input(RxDescPort(p)),
    wr_cmd: output(DmaCmd(p)),
    wr_done: input(DmaDone(p)),
    rx_free: output(RxData(p)),
    cpl: output(CplPort),
  });
  const freeQ = queue(m, 'freeQ', { conn: 16, addr: p.nicAddrBits, len: p.lenBits }, 4);
  const pend = queue(m, 'pend', { index: INDEX_BITS, conn: 16, len: p.lenBits, more: 1, addr: p.nicAddrBits, total: p.lenBits }, 16);

  // ---- Take a payload; a zero-length one is simply released.
  const active = m.reg(Bool, { reset: false });
  const conn = m.reg(UInt(16), { reset: 0 });
  const start = m.reg(UInt(p.nicAddrBits), { reset: 0 });
  const total = m.reg(UInt(p.lenBits), { reset: 0 });
  const cursor = m.reg(UInt(p.nicAddrBits), { reset: 0 });
  const left = m.reg(UInt(p.lenBits), { reset: 0 });
  const empty = io.rx_data.len.eq(0);
  const release = m.wire(Bool); // a payload's last chunk retires this cycle (it needs freeQ too)
  const takeReady = active.lnot().land(empty.lnot().lor(freeQ.canPush.land(release.lnot())));
  const take = io.rx_data.valid.land(takeReady);
  io.rx_data.ready.set(takeReady);
  when(take, () => {
    active.set(empty.lnot());
    conn.set(io.rx_data.conn);
    start.set(io.rx_data.addr);
    total.set(io.rx_data.len);
    cursor.set(io.rx_data.addr);
    left.set(io.rx_data.len);
  });

  // ---- One DMA write per posted buffer: as much of the rest as the buffer holds.
  const d = io.rx_desc;
  const fits = left.le(d.len);
  const chunk = mux(fits, left, d.len);
  const issue = active.land(d.valid).land(pend.canPush).land(io.wr_cmd.ready);
  io.wr_cmd.valid.set(active.land(d.valid).land(pend.canPush));
  io.wr_cmd.hostAddr.set(d.addr);
  io.wr_cmd.nicAddr.set(cursor);
  io.wr_cmd.len.set(chunk);
  io.wr_cmd.tag.set(d.index.trunc(p.tagBits));
  d.ready.set(active.land(pend.canPush).land(io.wr_cmd.ready));
  pend.push(issue, { index: d.index, conn, len: chunk, more: fits.lnot(), addr: start, total });
  when(issue, () => {
    cursor.set(cursor.add(chunk.zext(p.nicAddrBits)));
    left.set(left.sub(chunk));
    when(fits, () => active.set(false));
  });

  // ---- Done (in order): an RX completion per buffer; the payload's buffer is free after its last chunk.
  const cplQ = queue(m, 'cplQ', { status: 8, flags: 8, index: INDEX_BITS, conn: 16, len: 32, csum: 16 }, 4);
  const h = pend.head;
  const retire = io.wr_done.valid.land(pend.valid).land(cplQ.canPush).land(h.more.lor(freeQ.canPush));
  io.wr_done.ready.set(pend.valid.land(cplQ.canPush).land(h.more.lor(freeQ.canPush)));
  pend.pop(retire);
  const failed = io.wr_done.status.ne(0);
  cplQ.push(retire, {
    status: mux(failed, io.wr_done.status.zext(8), lit(CplStatus.OK, UInt(8))), flags: mux(h.more, lit(CplFlags.MORE, UInt(8)), lit(0, UInt(8))),
    index: h.index, conn: h.conn, len: h.len.zext(32), csum: io.wr_done.csum,
  });
  // Released: a finished payload, or a zero-length one at once (the take waits for room in freeQ).
  release.set(retire.land(h.more.lnot()));
  freeQ.push(release.lor(take.land(empty)), {
    conn: mux(release, h.conn, io.rx_data.conn), addr: mux(release, h.addr, io.rx_data.addr), len: mux(release, h.total, io.rx_data.len),
  });

  io.cpl.valid.set(cplQ.valid);
  io.cpl.kind.set(CplKind.RX);
  io.cpl.status.set(cplQ.head.status);
  io.cpl.ring.set(RingId.RX);
  io.cpl.flags.set(cplQ.head.flags);
  io.cpl.index.set(cplQ.head.index);
  io.cpl.conn.set(cplQ.head.conn);
  io.cpl.len.set(cplQ.head.len);
  io.cpl.csum.set(cplQ.head.csum);
  cplQ.pop(io.cpl.ready);
  io.rx_free.valid.set(freeQ.valid);
  io.rx_free.conn.set(freeQ.head.conn);
  io.rx_free.addr.set(freeQ.head.addr);
  io.rx_free.len.set(freeQ.head.len);
  freeQ.pop(io.rx_free.ready);
  return io;
});
