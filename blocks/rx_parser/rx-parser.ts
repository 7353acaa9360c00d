// The TOE's RX parser: Ethernet/IPv4/TCP header parsing at line rate, payload re-alignment, the slow-path
// port, and a reason code with a counter for every frame.
import { defineModule, input, output, Bool, UInt, Vec, Stream, when, mux, cat, lit, clog2, type Sig, type Wire } from '../../dsl/index.ts';
import { RX_REASON_BITS, RX_REASONS, RxReason } from './reasons.ts';
import { HEADER_FIELDS, fieldBits, metaBundle, optionFields } from './meta.ts';
import { packFields, unpackFields } from './record.ts';
import { Fifo } from '../lib/fifo.ts';
import { RxQueue } from './queue.ts';
import { HEADER_BYTES, LAST_DATA_OFFSET_BYTE, beField, tcpHeaderBytes } from './header-fields.ts';
import { FRAME_LEN_BITS, checkTcpHeaders, classifyFrame, reasonLit } from './classify.ts';
import { OPTION_AREA, OPTION_STAGES, optionFieldValues, optionPipeline } from './options.ts';
import { FRAME_ACTION_BITS, FrameAction, MIN_PAYLOAD_START, buildRouter } from './router.ts';
import { byteLanes, popCount, saturatingAdd } from './lanes.ts';

export interface RxParserParams {
  /** Datapath bits: 8, 16, 32, 64, 128, 256 or 512. */
  width: number;
  /** SACK blocks reported in the metadata (1..4); the option's block count is always reported. */
  sackBlocks: number;
  /** Bits of each per-reason frame counter (they wrap). */
  counterBits: number;
}

const pow2AtLeast = (n: number, min: number) => { let d = min; while (d < n) d *= 2; return d; };

/**
 * Queue depths (entries, powers of two).
 * - Beats: the data path takes a TCP frame's beats below byte 54 on its class alone and waits for the payload
 *   layout (known after the data offset byte, at most byte 86) only from there, so the queue must hold the
 *   beats from byte 54 - B to byte 86 (and the 24 bytes the class needs), plus the decisions' latency.
 * - Metadata: what minimum-size frames (60 bytes) arriving back to back keep in flight through the option walk
 *   and the queue's own latency, plus the two entries of slack the input keeps free; shorter (runt) frames
 *   are throttled, never lost.
 */
export function rxQueueDepths(width: number) {
  const lanes = width / 8;
  const layoutWait = Math.ceil(LAST_DATA_OFFSET_BYTE / lanes) - Math.floor(MIN_PAYLOAD_START / lanes) + 1;
  const minFrameBeats = Math.ceil(60 / lanes);
  const metaInFlight = Math.ceil((OPTION_STAGES + 3) / minFrameBeats);
  return {
    beats: pow2AtLeast(Math.max(layoutWait, Math.ceil(24 / lanes)) + 4, 8),
    decisions: 8,
    meta: pow2AtLeast(metaInFlight + 2, 4),
  };
}

/**
 * Ports:
 * - rx: the frame stream from the MAC. tkeep matters only on the last beat (lanes from 0 up; other beats are
 *   full); tuser bit 0 on any beat marks the frame bad (FCS error); tuser bit 1 on any beat marks its IPv4 or
 *   TCP checksum wrong (from rx_checksum: see rx_front), reason BAD_CHECKSUM unless a header check failed first.
 * - payload: each accepted TCP frame's payload, re-aligned (payload byte 0 in lane 0 of the first beat),
 *   Ethernet padding stripped. A frame with no payload bytes sends no payload frame. A payload frame is
 *   sent before its frame's end is known: the matching metadata record (has_payload = 1) says whether to keep it.
 * - meta: one record per TCP candidate (a frame that got past the class checks), in frame order, offered
 *   after the frame's last beat; reason OK means accept. Fields in meta.ts.
 * - slow: ARP, non-IPv4, non-TCP and fragmented frames, whole and unchanged; tuser[3:0] is the reason code
 *   (the same on every beat), tuser[4] copies the MAC's error bit of each beat.
 * - stats_sel / stats_count: the frame counter of reason code stats_sel (combinational read).
 *
 * A consumer must not hold off the payload of a frame until its metadata record arrives (the record needs
 * the frame's end, which may sit behind that payload); it may wait for a frame's payload before taking
 * that frame's record.
 */
export const RxParser = defineModule('rx_parser', (m, p: RxParserParams) => {
  const W = p.width;
  const lanes = W / 8;
  if (!Number.isInteger(lanes) || lanes < 1 || lanes > 64 || (lanes & (lanes - 1)) !== 0) {
    throw new Error(`rx_parser: width must be 8, 16, 32, 64, 128, 256 or 512, got ${W}`);
  }
  if (!Number.isInteger(p.sackBlocks) || p.sackBlocks < 1 || p.sackBlocks > 4) throw new Error(`rx_parser: sackBlocks must be 1..4, got ${p.sackBlocks}`);
  const optFields = optionFields(p.sackBlocks);
  const io = m.io({
    rx: input(Stream(W, { user: 2 })),
    payload: output(Stream(W)),
    slow: output(Stream(W, { user: 1 + RX_REASON_BITS })),
    meta: output(metaBundle(p.sackBlocks)),
    stats_sel: input(UInt(RX_REASON_BITS)),
    stats_count: output(UInt(p.counterBits)),
  });
  const meta = io.meta as unknown as Record<string, Wire> & { ready: Sig };
  const depths = rxQueueDepths(W);
  const headerBeats = Math.ceil(HEADER_BYTES / lanes);
  const allLanes = lit((1n << BigInt(lanes)) - 1n, UInt(lanes));

  // ---- Queues between the header parser and the data path, and for the metadata.
  const beatQueue = m.instance(Fifo, { width: W + lanes + 2, depth: depths.beats });
  const classQueue = m.instance(RxQueue, { width: FRAME_ACTION_BITS + RX_REASON_BITS, depth: depths.decisions });
  const layoutQueue = m.instance(RxQueue, { width: 1 + 8 + FRAME_LEN_BITS, depth: depths.decisions });
  const headerQueue = m.instance(Fifo, { width: fieldBits(HEADER_FIELDS), depth: depths.meta });
  const optionQueue = m.instance(Fifo, { width: fieldBits(optFields), depth: depths.meta });

  // ---- Input: a beat is taken when the beat queue has room and the decision and metadata queues can take
  // what this beat and the one before it may still push (decisions lag the beat by a cycle).
  const rxKeep = io.rx.tkeep;
  const rxLast = io.rx.tlast!;
  const rxMacError = io.rx.tuser!.bit(0);
  const rxChecksumError = io.rx.tuser!.bit(1);
  const rxReady = beatQueue.in.tready.land(classQueue.count.le(depths.decisions - 2))
    .land(layoutQueue.count.le(depths.decisions - 2)).land(headerQueue.count.le(depths.meta - 2));
  const rxFire = io.rx.tvalid.land(rxReady);
  io.rx.tready.set(rxReady);
  beatQueue.in.tvalid.set(rxFire);
  beatQueue.in.tdata.set(cat(rxMacError, rxLast, rxKeep, io.rx.tdata));

  // ---- The frame being received: its first HEADER_BYTES bytes (absent bytes read 0) and byte count.
  const started = m.reg(Bool, { reset: false });
  const ended = m.reg(Bool, { reset: false });
  const macError = m.reg(Bool, { reset: false });
  const checksumError = m.reg(Bool, { reset: false });
  const frameLen = m.reg(UInt(FRAME_LEN_BITS), { reset: 0 });
  const beatIndex = m.reg(UInt(clog2(headerBeats + 1)), { reset: 0 }); // saturates past the header
  const classed = m.reg(Bool, { reset: false });
  const laidOut = m.reg(Bool, { reset: false });
  const finished = m.reg(Bool, { reset: false });
  const store = m.reg(Vec(UInt(8), HEADER_BYTES));

  const newFrame = started.lnot().lor(ended);
  const keptLanes = mux(rxLast, rxKeep, allLanes);
  const beatBytes = mux(rxLast, popCount(rxKeep), lit(lanes, UInt(clog2(lanes + 1))));
  const lenSoFar = mux(newFrame, lit(0, UInt(FRAME_LEN_BITS)), frameLen);
  const writeBeat = mux(newFrame, lit(0, UInt(beatIndex.width)), beatIndex);
  const rxBytes = byteLanes(io.rx.tdata);

  // ---- Decisions, from the registers (the bytes up to the previous cycle's beat).
  const live = started.land(finished.lnot());
  const versionIhl = store[14]!;
  const ihl = versionIhl.slice(3, 0);
  const cls = classifyFrame({
    frameLen, ethertype: beField(store, 12, 2), versionIhl, flagsFragment: beField(store, 20, 2), protocol: store[23]!,
  }, ended);
  const tcpBytes = tcpHeaderBytes(store, ihl);
  const totalLength = beField(store, 16, 2);
  const tcp = checkTcpHeaders({ frameLen, ihl, totalLength, dataOffset: tcpBytes[12]!.slice(7, 4) }, ended);
  const tcpHeaderOk = cls.tcpCandidate.land(tcp.reason.eq(RxReason.OK));

  // The data path's decisions, each once per frame as soon as it is known: the class (after byte 23), and for
  // a TCP candidate the payload layout (after the data offset byte).
  const classNow = live.land(classed.lnot()).land(cls.known);
  const actionOf = (a: number) => lit(a, UInt(FRAME_ACTION_BITS));
  const action = mux(cls.slowPath, actionOf(FrameAction.SLOW), mux(cls.tcpCandidate, actionOf(FrameAction.TCP), actionOf(FrameAction.DROP)));
  classQueue.in.tvalid.set(classNow);
  classQueue.in.tdata.set(cat(action, cls.reason));
  when(classNow, () => classed.set(true));
  const layoutNow = live.land(laidOut.lnot()).land(cls.known).land(cls.tcpCandidate).land(tcp.layoutKnown);
  layoutQueue.in.tvalid.set(layoutNow);
  layoutQueue.in.tdata.set(cat(tcp.layoutOk, tcp.payloadStart, tcp.payloadEnd));
  when(layoutNow, () => laidOut.set(true));

  // The frame's end: its final reason, its counter, and for a TCP candidate its metadata record.
  const finishNow = live.land(ended);
  const tcpReason = mux(tcp.reason.ne(RxReason.OK), tcp.reason,
    mux(frameLen.lt(tcp.payloadEnd), reasonLit(RxReason.BAD_TOTAL_LEN),
      mux(checksumError, reasonLit(RxReason.BAD_CHECKSUM), reasonLit(RxReason.OK))));
  const finalReason = mux(cls.slowPath, cls.reason,
    mux(macError, reasonLit(RxReason.MAC_ERROR), mux(cls.tcpCandidate, tcpReason, cls.reason)));
  const hasPayload = tcpHeaderOk.land(tcp.payloadLen.orR()).land(frameLen.gt(tcp.payloadStart.zext(FRAME_LEN_BITS)));
  when(finishNow, () => finished.set(true));

  const pushMeta = finishNow.land(cls.tcpCandidate);
  headerQueue.in.tvalid.set(pushMeta);
  headerQueue.in.tdata.set(packFields(HEADER_FIELDS, {
    reason: finalReason, has_payload: hasPayload,
    dst_mac: beField(store, 0, 6), src_mac: beField(store, 6, 6), ethertype: beField(store, 12, 2),
    ip_src: beField(store, 26, 4), ip_dst: beField(store, 30, 4), ip_total_len: totalLength, ip_ihl: ihl,
    ip_checksum: beField(store, 24, 2),
    tcp_src_port: beField(tcpBytes, 0, 2), tcp_dst_port: beField(tcpBytes, 2, 2), tcp_seq: beField(tcpBytes, 4, 4),
    tcp_ack: beField(tcpBytes, 8, 4), tcp_flags: cat(tcpBytes[12]!.bit(0), tcpBytes[13]!),
    tcp_window: beField(tcpBytes, 14, 2), tcp_data_offset: tcpBytes[12]!.slice(7, 4),
    tcp_checksum: beField(tcpBytes, 16, 2), tcp_urgent: beField(tcpBytes, 18, 2), payload_len: tcp.payloadLen,
  }));
  const walked = optionPipeline(m, pushMeta, tcpBytes.slice(20, 20 + OPTION_AREA), tcp.optionBytes, p.sackBlocks);
  optionQueue.in.tvalid.set(walked.valid);
  optionQueue.in.tdata.set(packFields(optFields, optionFieldValues(walked.state)));

  // Per-reason frame counters.
  const counters = m.reg(Vec(UInt(p.counterBits), RX_REASONS.length), { reset: 0 });
  for (const r of RX_REASONS) when(finishNow.land(finalReason.eq(r)), () => counters[r]!.set(counters[r]!.add(1)));
  let statsCount: Sig = lit(0, UInt(p.counterBits));
  for (const r of RX_REASONS) statsCount = mux(io.stats_sel.eq(r), counters[r]!, statsCount);
  io.stats_count.set(statsCount);

  // ---- Taking a beat (after the decisions above, so a new frame's resets win over a finishing frame's sets).
  when(rxFire, () => {
    frameLen.set(saturatingAdd(lenSoFar, beatBytes));
    beatIndex.set(mux(writeBeat.eq(headerBeats), writeBeat, writeBeat.add(1)));
    started.set(true);
    ended.set(rxLast);
    macError.set(macError.land(newFrame.lnot()).lor(rxMacError));
    checksumError.set(checksumError.land(newFrame.lnot()).lor(rxChecksumError));
    when(newFrame, () => {
      classed.set(false);
      laidOut.set(false);
      finished.set(false);
    });
    for (let j = 0; j < HEADER_BYTES; j++) {
      const beatNo = Math.floor(j / lanes);
      const lane = j % lanes;
      const written = when(writeBeat.eq(beatNo), () => store[j]!.set(mux(keptLanes.bit(lane), rxBytes[lane]!, 0)));
      if (beatNo > 0) written.elseWhen(newFrame, () => store[j]!.set(0));
    }
  });

  // ---- The data path.
  const beatFields = beatQueue.out.tdata;
  const classFields = classQueue.out.tdata;
  const layoutFields = layoutQueue.out.tdata;
  const { takeBeat, takeClass, takeLayout } = buildRouter(m, lanes,
    {
      valid: beatQueue.out.tvalid, data: beatFields.slice(W - 1, 0), keep: beatFields.slice(W + lanes - 1, W),
      last: beatFields.bit(W + lanes), macError: beatFields.bit(W + lanes + 1),
    },
    {
      valid: classQueue.out.tvalid,
      action: classFields.slice(FRAME_ACTION_BITS + RX_REASON_BITS - 1, RX_REASON_BITS),
      reason: classFields.slice(RX_REASON_BITS - 1, 0),
    },
    {
      valid: layoutQueue.out.tvalid,
      ok: layoutFields.bit(8 + FRAME_LEN_BITS),
      payloadStart: layoutFields.slice(8 + FRAME_LEN_BITS - 1, FRAME_LEN_BITS),
      payloadEnd: layoutFields.slice(FRAME_LEN_BITS - 1, 0),
    },
    io.payload, io.slow);
  beatQueue.out.tready.set(takeBeat);
  classQueue.out.tready.set(takeClass);
  layoutQueue.out.tready.set(takeLayout);

  // ---- Metadata out: a record is complete when its option walk has reached the option queue.
  const metaTaken = optionQueue.out.tvalid.land(meta.ready);
  meta.valid!.set(optionQueue.out.tvalid);
  headerQueue.out.tready.set(metaTaken);
  optionQueue.out.tready.set(metaTaken);
  const headerOut = unpackFields(HEADER_FIELDS, headerQueue.out.tdata);
  const optionOut = unpackFields(optFields, optionQueue.out.tdata);
  for (const [name, v] of Object.entries({ ...headerOut, ...optionOut })) meta[name]!.set(v);
  return io;
}, { width: 64, sackBlocks: 1, counterBits: 32 } as RxParserParams);
