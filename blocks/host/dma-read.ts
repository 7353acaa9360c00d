// The DMA engine's read path (host → NIC, the paper's skb_add_data ②): copies a host buffer into NIC buffer
// memory with AXI4 read bursts, many in flight, and sums the bytes on the way (checksum on copy).
//
//   cmd → burst issuer ──AR──▶ host        R (any ID order) ──▶ reorder buffer (one slot per ID)
//              │ job                                                   │ in issue order
//              ▼                                                       ▼
//          realigner ◀──────────────────────────────────────── source beats
//              │ destination beats (NIC word address, strobes)
//              ▼
//          nic_wr + checksum ──▶ done (in command order)
//
// Each burst takes a free AXI ID (tag) in circular order and owns that tag's reorder-buffer slot of maxBurst
// beats, so R beats go straight into the buffer whatever their order, and `rready` is always high. The drain
// reads the oldest tag's beats as they arrive and frees the tag after its last beat.
import { defineModule, input, output, Bool, UInt, Vec, cat, mux, when } from '../../dsl/index.ts';
import { AxiRead, AXI_BURST_INCR } from './axi4.ts';
import { nextBurst, log2 } from './burst.ts';
import { DmaCmd, DmaDone, NicWrite, dmaDefaults, dmaShape, type DmaParams } from './dma-params.ts';
import { Realign } from './realign.ts';
import { queue } from '../lib/fifo.ts';
import { selectAt, writeAt } from './select.ts';
import { checksumStep } from './checksum-on-copy.ts';

export const DmaRead = defineModule('dma_read', (m, p: DmaParams) => {
  const { beatBytes: B, ob, burstBytes, nicWordBits, axi } = dmaShape(p);
  const io = m.io({
    cmd: input(DmaCmd(p)),
    done: output(DmaDone(p)),
    m_axi: output(AxiRead(axi)),
    nic_wr: output(NicWrite(p, nicWordBits)),
  });
  const tagBits = log2(p.tags);
  const slotBits = log2(p.maxBurst);
  if (p.tags < 2) throw new Error('dma_read: tags must be >= 2');

  // ---- Commands in: one realigner job each; the issuer walks the host range burst by burst.
  const jobs = queue(m, 'jobs', { srcOff: ob, dstOff: ob, len: p.lenBits, word: nicWordBits, odd: 1, tag: p.tagBits }, 16);
  const issuing = m.reg(Bool, { reset: false });
  const issueAddr = m.reg(UInt(p.addrBits), { reset: 0 });
  const issueLeft = m.reg(UInt(p.lenBits), { reset: 0 });
  const takeCmd = io.cmd.valid.land(issuing.lnot()).land(jobs.canPush);
  io.cmd.ready.set(issuing.lnot().land(jobs.canPush));
  jobs.push(takeCmd, {
    srcOff: io.cmd.hostAddr.slice(ob - 1, 0), dstOff: io.cmd.nicAddr.slice(ob - 1, 0), len: io.cmd.len,
    word: io.cmd.nicAddr.slice(p.nicAddrBits - 1, ob), odd: io.cmd.nicAddr.bit(0), tag: io.cmd.tag,
  });
  when(takeCmd, () => {
    issuing.set(io.cmd.len.ne(0));
    issueAddr.set(io.cmd.hostAddr);
    issueLeft.set(io.cmd.len);
  });

  // ---- Tags: allocated in circular order, freed in the same order by the drain.
  const inUse = m.reg(UInt(tagBits + 1), { reset: 0 });
  const issueTag = m.reg(UInt(tagBits), { reset: 0 });
  const headTag = m.reg(UInt(tagBits), { reset: 0 });
  const lastBeat = m.reg(Vec(UInt(slotBits), p.tags)); // beats - 1 of the burst holding each tag
  const received = m.reg(Vec(UInt(slotBits + 1), p.tags), { reset: 0 });

  const burst = nextBurst(issueAddr, issueLeft, B, burstBytes);
  const arFire = issuing.land(inUse.ne(p.tags)).land(io.m_axi.arready);
  io.m_axi.arvalid.set(issuing.land(inUse.ne(p.tags)));
  io.m_axi.arid.set(issueTag.zext(axi.idBits));
  io.m_axi.araddr.set(burst.alignedAddr);
  io.m_axi.arlen.set(burst.lenField);
  io.m_axi.arsize.set(ob);
  io.m_axi.arburst.set(AXI_BURST_INCR);
  when(arFire, () => {
    issueAddr.set(issueAddr.add(burst.chunk.zext(p.addrBits)));
    issueLeft.set(issueLeft.sub(burst.chunk));
    when(burst.last, () => issuing.set(false));
    issueTag.set(issueTag.add(1));
  });
  writeAt(lastBeat, issueTag, arFire, burst.lenField.trunc(slotBits));

  // ---- R: every beat goes to its tag's slot in the reorder buffer.
  const rob = m.memory(p.width + 2, p.tags * p.maxBurst);
  const rTag = io.m_axi.rid.trunc(tagBits);
  const rSlot = selectAt(received, rTag);
  const rFire = io.m_axi.rvalid;
  io.m_axi.rready.set(true);
  const rErr = cat(io.m_axi.rresp.bit(1), io.m_axi.rresp.bit(1).land(io.m_axi.rresp.bit(0))); // EXOKAY counts as OKAY
  rob.write(cat(rTag, rSlot.trunc(slotBits)), cat(rErr, io.m_axi.rdata), { enable: rFire });

  // ---- Drain: the oldest tag's beats, in order, as they arrive; show-ahead register after the RAM.
  const headBeat = m.reg(UInt(slotBits + 1), { reset: 0 });
  const srcValid = m.reg(Bool, { reset: false });
  const headLast = headBeat.trunc(slotBits).eq(selectAt(lastBeat, headTag));
  const arrived = inUse.ne(0).land(selectAt(received, headTag).gt(headBeat));
  const align = m.instance(Realign, { width: p.width, lenBits: p.lenBits, wordBits: nicWordBits, userBits: p.tagBits + 1 }, { name: 'realign' });
  const fetch = arrived.land(srcValid.lnot().lor(align.src.ready));
  const robHead = rob.read(cat(headTag, headBeat.trunc(slotBits)), { enable: fetch });
  srcValid.set(fetch.lor(srcValid.land(align.src.ready.lnot())));
  const freeTag = fetch.land(headLast);
  when(fetch, () => {
    headBeat.set(headBeat.add(1));
    when(headLast, () => { headBeat.set(0); headTag.set(headTag.add(1)); });
  });
  received.forEach((r, i) => {
    when(arFire.land(issueTag.eq(i)), () => r.set(0))
      .elseWhen(rFire.land(rTag.eq(i)), () => r.set(r.add(1)));
  });
  when(arFire.land(freeTag.lnot()), () => inUse.set(inUse.add(1)))
    .elseWhen(freeTag.land(arFire.lnot()), () => inUse.set(inUse.sub(1)));

  align.src.valid.set(srcValid);
  align.src.data.set(robHead.trunc(p.width));
  align.src.err.set(robHead.slice(p.width + 1, p.width));
  align.job.valid.set(jobs.valid);
  align.job.srcOff.set(jobs.head.srcOff);
  align.job.dstOff.set(jobs.head.dstOff);
  align.job.len.set(jobs.head.len);
  align.job.word.set(jobs.head.word);
  align.job.user.set(cat(jobs.head.tag, jobs.head.odd));
  jobs.pop(align.job.ready);

  // ---- Out: NIC memory writes (beats of a failed read are not written), checksum, done in command order.
  const doneQ = queue(m, 'doneQ', { tag: p.tagBits, status: 2, csum: 16 }, 4);
  const beat = align.out;
  const writes = beat.strb.ne(0).land(beat.err.eq(0));
  const roomForDone = beat.last.lnot().lor(doneQ.canPush);
  const accept = beat.valid.land(roomForDone).land(writes.lnot().lor(io.nic_wr.ready));
  beat.ready.set(roomForDone.land(writes.lnot().lor(io.nic_wr.ready)));
  io.nic_wr.valid.set(beat.valid.land(writes).land(roomForDone));
  io.nic_wr.addr.set(beat.word);
  io.nic_wr.data.set(beat.data);
  io.nic_wr.strb.set(beat.strb);

  const csum = m.reg(UInt(16), { reset: 0 });
  const status = m.reg(UInt(2), { reset: 0 });
  const csumNow = checksumStep(csum, beat.data, beat.strb, beat.user.bit(0), beat.first);
  const worst = mux(beat.first, beat.err, status.or(beat.err));
  when(accept, () => { csum.set(csumNow); status.set(worst); });
  doneQ.push(accept.land(beat.last), { tag: beat.user.slice(p.tagBits, 1), status: worst, csum: csumNow });

  io.done.valid.set(doneQ.valid);
  io.done.tag.set(doneQ.head.tag);
  io.done.status.set(doneQ.head.status);
  io.done.csum.set(doneQ.head.csum);
  doneQ.pop(io.done.ready);

  return io;
}, dmaDefaults);
