// The DMA engine's write path (NIC → host, the paper's tcp_copy_to_iovec ⑥): copies NIC buffer memory into a
// host buffer (the user's own: zero copies in between) with AXI4 write bursts, and sums the bytes on the way.
//
//   cmd ─┬─▶ NIC reader ──nic_rd──▶ NIC memory ──nic_rdata──▶ response FIFO ─▶ realigner ─▶ W
//        ├─▶ burst issuer ──AW──▶ host   (beats per burst ─▶ W, for WLAST)
//        └─▶ realigner job                 B (in order, one ID) ─▶ done, once every burst of the command answered
//
// The NIC reader keeps at most `respDepth` words requested-but-not-consumed, so the response FIFO never
// overflows and nic_rdata needs no ready. Bursts stop at 4 KiB boundaries; at most maxWrites await their B.
import { defineModule, input, output, Bool, Struct, UInt, cat, lit, mux, when, clog2 } from '../../dsl/index.ts';
import { AxiWrite, AXI_BURST_INCR } from './axi4.ts';
import { nextBurst, log2 } from './burst.ts';
import { DmaCmd, DmaDone, NicRead, dmaDefaults, dmaShape, type DmaParams } from './dma-params.ts';
import { Realign } from './realign.ts';
import { queue } from '../lib/fifo.ts';
import { checksumStep } from './checksum-on-copy.ts';

const respDepth = 16;

export const DmaWrite = defineModule('dma_write', (m, p: DmaParams) => {
  const { beatBytes: B, ob, burstBytes, nicWordBits, axi } = dmaShape(p);
  const io = m.io({
    cmd: input(DmaCmd(p)),
    done: output(DmaDone(p)),
    m_axi: output(AxiWrite(axi)),
    nic_rd: output(NicRead(nicWordBits)),
    nic_rdata: input(Struct({ data: UInt(p.width), valid: Bool })),
  });
  const beatCountBits = p.lenBits - ob + 1;
  const burstCountBits = p.lenBits - log2(burstBytes) + 2;

  // ---- Commands in: split into the three processes' queues at once.
  const nicJobs = queue(m, 'nicJobs', { word: nicWordBits, beats: beatCountBits }, 8);
  const awJobs = queue(m, 'awJobs', { addr: p.addrBits, len: p.lenBits }, 8);
  const alignJobs = queue(m, 'alignJobs', { srcOff: ob, dstOff: ob, len: p.lenBits, odd: 1, tag: p.tagBits }, 16);
  const room = nicJobs.canPush.land(awJobs.canPush).land(alignJobs.canPush);
  const take = io.cmd.valid.land(room);
  io.cmd.ready.set(room);
  const wide = p.lenBits + 1;
  const nicOff = io.cmd.nicAddr.slice(ob - 1, 0);
  const nicBeats = mux(io.cmd.len.eq(0), lit(0, UInt(beatCountBits)), nicOff.zext(wide).add(io.cmd.len.zext(wide)).add(B - 1).slice(wide - 1, ob));
  nicJobs.push(take, { word: io.cmd.nicAddr.slice(p.nicAddrBits - 1, ob), beats: nicBeats });
  awJobs.push(take, { addr: io.cmd.hostAddr, len: io.cmd.len });
  alignJobs.push(take, { srcOff: nicOff, dstOff: io.cmd.hostAddr.slice(ob - 1, 0), len: io.cmd.len, odd: io.cmd.hostAddr.bit(0), tag: io.cmd.tag });

  // ---- NIC reader: one word request per cycle while the response FIFO has room for its answer.
  const reading = m.reg(Bool, { reset: false });
  const readWord = m.reg(UInt(nicWordBits), { reset: 0 });
  const readLeft = m.reg(UInt(beatCountBits), { reset: 0 });
  const unconsumed = m.reg(UInt(clog2(respDepth + 1)), { reset: 0 });
  const resp = queue(m, 'resp', { data: p.width }, respDepth);
  const canRequest = reading.land(unconsumed.ne(respDepth));
  const reqFire = canRequest.land(io.nic_rd.ready);
  io.nic_rd.valid.set(canRequest);
  io.nic_rd.addr.set(readWord);
  // The next job loads as the current one's last request goes out (no idle cycle between jobs).
  const readerFree = reading.lnot().lor(reqFire.land(readLeft.eq(1)));
  const loadRead = nicJobs.valid.land(readerFree);
  nicJobs.pop(readerFree);
  when(reqFire, () => {
    readWord.set(readWord.add(1));
    readLeft.set(readLeft.sub(1));
    when(readLeft.eq(1), () => reading.set(false));
  });
  when(loadRead, () => {
    reading.set(nicJobs.head.beats.ne(0));
    readWord.set(nicJobs.head.word);
    readLeft.set(nicJobs.head.beats);
  });
  resp.push(io.nic_rdata.valid, { data: io.nic_rdata.data });

  // ---- Realign NIC words to host beats.
  const align = m.instance(Realign, { width: p.width, lenBits: p.lenBits, wordBits: 1, userBits: p.tagBits + 1 }, { name: 'realign' });
  align.job.valid.set(alignJobs.valid);
  align.job.srcOff.set(alignJobs.head.srcOff);
  align.job.dstOff.set(alignJobs.head.dstOff);
  align.job.len.set(alignJobs.head.len);
  align.job.word.set(0);
  align.job.user.set(cat(alignJobs.head.tag, alignJobs.head.odd));
  alignJobs.pop(align.job.ready);
  align.src.valid.set(resp.valid);
  align.src.data.set(resp.head.data);
  align.src.err.set(0);
  const respPop = resp.valid.land(align.src.ready);
  resp.pop(align.src.ready);
  when(reqFire.land(respPop.lnot()), () => unconsumed.set(unconsumed.add(1)))
    .elseWhen(respPop.land(reqFire.lnot()), () => unconsumed.set(unconsumed.sub(1)));

  // ---- AW: bursts of each command's host range; each burst's length goes to the W side for WLAST.
  const wBursts = queue(m, 'wBursts', { lenField: 8 }, 8);
  const bWait = queue(m, 'bWait', { bursts: burstCountBits }, 16);
  const issuing = m.reg(Bool, { reset: false });
  const awAddr = m.reg(UInt(p.addrBits), { reset: 0 });
  const awLeft = m.reg(UInt(p.lenBits), { reset: 0 });
  const awCount = m.reg(UInt(burstCountBits), { reset: 0 });
  const outstanding = m.reg(UInt(clog2(p.maxWrites + 1)), { reset: 0 });
  const burst = nextBurst(awAddr, awLeft, B, burstBytes);
  const awWant = issuing.land(awLeft.ne(0)).land(wBursts.canPush).land(outstanding.ne(p.maxWrites));
  const awFire = awWant.land(io.m_axi.awready);
  io.m_axi.awvalid.set(awWant);
  io.m_axi.awid.set(0);
  io.m_axi.awaddr.set(burst.alignedAddr);
  io.m_axi.awlen.set(burst.lenField);
  io.m_axi.awsize.set(ob);
  io.m_axi.awburst.set(AXI_BURST_INCR);
  wBursts.push(awFire, { lenField: burst.lenField });
  const finishCmd = issuing.land(awLeft.eq(0)).land(bWait.canPush);
  bWait.push(finishCmd, { bursts: awCount });
  when(awFire, () => {
    awAddr.set(awAddr.add(burst.chunk.zext(p.addrBits)));
    awLeft.set(awLeft.sub(burst.chunk));
    awCount.set(awCount.add(1));
  });
  when(finishCmd, () => issuing.set(false));
  awJobs.pop(issuing.lnot());
  when(awJobs.valid.land(issuing.lnot()), () => {
    issuing.set(true);
    awAddr.set(awJobs.head.addr);
    awLeft.set(awJobs.head.len);
    awCount.set(0);
  });

  // ---- W: realigned beats, WLAST from the burst lengths; a zero-length command's empty beat is dropped.
  const csumQ = queue(m, 'csumQ', { tag: p.tagBits, csum: 16 }, 16);
  const beat = align.out;
  const empty = beat.strb.eq(0);
  const roomForSum = beat.last.lnot().lor(csumQ.canPush);
  const wBeat = m.reg(UInt(8), { reset: 0 });
  const wLast = wBeat.eq(wBursts.head.lenField);
  const wOffer = beat.valid.land(empty.lnot()).land(wBursts.valid).land(roomForSum);
  const wFire = wOffer.land(io.m_axi.wready);
  const accept = wFire.lor(beat.valid.land(empty).land(roomForSum));
  beat.ready.set(mux(empty, roomForSum, wBursts.valid.land(roomForSum).land(io.m_axi.wready)));
  io.m_axi.wvalid.set(wOffer);
  io.m_axi.wdata.set(beat.data);
  io.m_axi.wstrb.set(beat.strb);
  io.m_axi.wlast.set(wLast);
  wBursts.pop(wFire.land(wLast));
  when(wFire, () => wBeat.set(mux(wLast, 0, wBeat.add(1))));
  const csum = m.reg(UInt(16), { reset: 0 });
  const csumNow = checksumStep(csum, beat.data, beat.strb, beat.user.bit(0), beat.first);
  when(accept, () => csum.set(csumNow));
  csumQ.push(accept.land(beat.last), { tag: beat.user.slice(p.tagBits, 1), csum: csumNow });

  // ---- B: count responses against the oldest command's bursts; done when all are in and its sum is known.
  const bSeen = m.reg(UInt(burstCountBits), { reset: 0 });
  const bWorst = m.reg(UInt(2), { reset: 0 });
  const headComplete = bWait.valid.land(bSeen.eq(bWait.head.bursts));
  io.m_axi.bready.set(headComplete.lnot());
  const bFire = io.m_axi.bvalid.land(headComplete.lnot());
  const bErr = cat(io.m_axi.bresp.bit(1), io.m_axi.bresp.bit(1).land(io.m_axi.bresp.bit(0))); // EXOKAY counts as OKAY
  when(bFire, () => { bSeen.set(bSeen.add(1)); bWorst.set(bWorst.or(bErr)); });
  const doneNow = headComplete.land(csumQ.valid);
  io.done.valid.set(doneNow);
  io.done.tag.set(csumQ.head.tag);
  io.done.status.set(bWorst);
  io.done.csum.set(csumQ.head.csum);
  const retire = doneNow.land(io.done.ready);
  bWait.pop(retire);
  csumQ.pop(retire);
  when(retire, () => { bSeen.set(0); bWorst.set(0); });
  when(awFire.land(bFire.lnot()), () => outstanding.set(outstanding.add(1)))
    .elseWhen(bFire.land(awFire.lnot()), () => outstanding.set(outstanding.sub(1)));
  return io;
}, dmaDefaults);
