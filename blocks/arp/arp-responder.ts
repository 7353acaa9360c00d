// The ARP responder on the RX parser's slow path (RFC 826, Ethernet/IPv4 only): a request for the TOE's address is
// answered with a reply from the TOE's MAC, and the sender of any ARP frame aimed at the TOE is learned as a
// neighbour — what the TS model of the TOE does (sim/toe_model/toe.ts `arp`), so a peer can resolve the TOE without a
// static neighbour entry and the TOE learns the peer before any TCP frame.
import { defineModule, input, output, Bool, UInt, Stream, cat, lit, mux, when, type Sig } from '../../dsl/index.ts';
import { RX_REASON_BITS, RxReason } from '../rx_parser/reasons.ts';

export interface ArpResponderParams {
  /** Datapath bits: 64 .. 512, a multiple of 64 (the slow path's and the MAC's width). */
  width: number;
}

/** Ethernet header + ARP body: the bytes a request is judged by, and the length of a reply (unpadded: the MAC pads). */
export const ARP_FRAME_BYTES = 42;

/**
 * Ports:
 * - s_axis: the RX parser's slow-path stream, whole frames (tuser[3:0] the reason code, tuser[4] the MAC's error bit
 *   of the beat). Always ready: the slow path is never held up.
 * - local_mac, local_ip: the TOE's addresses (CSRs).
 * - m_axis: replies, 42-byte frames (dst = the requester, src = local_mac, ARP op 2), to a TX arbiter.
 * - learn_valid/ip/mac: one cycle per ARP frame (request or reply) whose target IP is local_ip: its sender.
 * - counters: replies (requests answered), not_for_us (ARP for another address), malformed (shorter than 42 bytes,
 *   a beat with the error bit, or not Ethernet/IPv4 ARP), busy (a request ended while a reply was still leaving:
 *   dropped, the peer asks again), other (slow-path frames that are not ARP: IPv6, ICMP, fragments: dropped here).
 *   ARP frames for us with an op other than request are learned from and not answered (as the model).
 * Timing: the reply's first beat is offered 1 cycle after the request's last beat; one reply at a time.
 */
export const ArpResponder = defineModule('arp_responder', (m, p: ArpResponderParams) => {
  if (!Number.isInteger(p.width) || p.width < 64 || p.width > 512 || p.width % 64 !== 0) throw new Error(`arp_responder: width must be 64..512 and a multiple of 64, got ${p.width}`);
  const W = p.width, B = W / 8;
  const beatsIn = Math.ceil(ARP_FRAME_BYTES / B); // beats holding the bytes judged
  const io = m.io({
    s_axis: input(Stream(W, { user: 1 + RX_REASON_BITS })),
    local_mac: input(UInt(48)),
    local_ip: input(UInt(32)),
    m_axis: output(Stream(W, { keep: true, last: true })),
    learn_valid: output(Bool),
    learn_ip: output(UInt(32)),
    learn_mac: output(UInt(48)),
    replies: output(UInt(32)),
    not_for_us: output(UInt(32)),
    malformed: output(UInt(32)),
    busy: output(UInt(32)),
    other: output(UInt(32)),
  });
  io.s_axis.tready.set(true);

  // ---- Capture: the first beatsIn beats shift in from the top, so frame byte k ends at bits [8k+7 : 8k].
  const s = io.s_axis;
  const beat = s.tvalid;
  const head = m.reg(UInt(beatsIn * W), { reset: 0n, name: 'head' });
  const beatNo = m.reg(UInt(8), { reset: 0, name: 'beat_no' }); // beats of this frame so far (saturating)
  const complete = m.reg(Bool, { reset: false, name: 'complete' }); // byte 41 arrived
  const errSeen = m.reg(Bool, { reset: false, name: 'err_seen' });
  const reason = m.reg(UInt(RX_REASON_BITS), { reset: 0, name: 'reason' });
  const first = beatNo.eq(0);
  const capturing = beatNo.lt(beatsIn);
  const lastJudged = beatNo.eq(beatsIn - 1);
  const byte41 = s.tkeep!.bit((ARP_FRAME_BYTES - 1) % B);
  const errNow = errSeen.lor(s.tuser!.bit(RX_REASON_BITS));
  const completeNow = complete.lor(capturing.land(lastJudged).land(byte41));
  const reasonNow = mux(first, s.tuser!.slice(RX_REASON_BITS - 1, 0), reason);
  const headNow = beatsIn === 1 ? s.tdata! : cat(s.tdata!, head.slice(beatsIn * W - 1, W));
  when(beat, () => {
    when(capturing, () => head.set(headNow));
    when(s.tlast!, () => { beatNo.set(0); complete.set(false); errSeen.set(false); })
      .otherwise(() => {
        beatNo.set(mux(beatNo.eq(255), beatNo, beatNo.add(1)));
        complete.set(completeNow); errSeen.set(errNow); reason.set(reasonNow);
      });
  });

  // ---- Judge at the last beat (a frame of one beat is judged from that beat alone).
  const frameEnd = beat.land(s.tlast!);
  // The header as it stands after this beat: byte k at [8k+7 : 8k] once beatsIn beats are in.
  const hdr = mux(capturing, headNow, head).named('arp_head');
  const bytes = (at: number, n: number): Sig => cat(...Array.from({ length: n }, (_, i) => hdr.slice(8 * (at + i) + 7, 8 * (at + i))));
  const isArp = reasonNow.eq(RxReason.ARP);
  const wellFormed = completeNow.land(errNow.lnot())
    .land(bytes(14, 2).eq(1)).land(bytes(16, 2).eq(0x0800)).land(bytes(18, 1).eq(6)).land(bytes(19, 1).eq(4));
  const op = bytes(20, 2), sha = bytes(22, 6), spa = bytes(28, 4), tpa = bytes(38, 4);
  const forUs = tpa.eq(io.local_ip);
  const good = frameEnd.land(isArp).land(wellFormed).land(forUs);

  const counter = (name: string, inc: Sig) => {
    const c = m.reg(UInt(32), { reset: 0, name });
    when(inc, () => c.set(c.add(1)));
    return c;
  };
  io.other.set(counter('other_count', frameEnd.land(isArp.lnot())));
  io.malformed.set(counter('malformed_count', frameEnd.land(isArp).land(wellFormed.lnot())));
  io.not_for_us.set(counter('not_for_us_count', frameEnd.land(isArp).land(wellFormed).land(forUs.lnot())));

  // ---- Learn the sender (registered: one cycle after the frame's end).
  const learnValid = m.reg(Bool, { reset: false, name: 'learn_pulse' });
  const learnIp = m.reg(UInt(32), { reset: 0, name: 'learn_ip_r' });
  const learnMac = m.reg(UInt(48), { reset: 0, name: 'learn_mac_r' });
  learnValid.set(good);
  when(good, () => { learnIp.set(spa); learnMac.set(sha); });
  io.learn_valid.set(learnValid);
  io.learn_ip.set(learnIp);
  io.learn_mac.set(learnMac);

  // ---- Reply: 42 bytes held in a register, byte k at [8k+7 : 8k], sent as beatsOut beats.
  const beatsOut = Math.ceil(ARP_FRAME_BYTES / B);
  const sending = m.reg(Bool, { reset: false, name: 'sending' });
  const outBeat = m.reg(UInt(8), { reset: 0, name: 'out_beat' });
  const reply = m.reg(UInt(beatsOut * W), { reset: 0n, name: 'reply' });
  const request = good.land(op.eq(1));
  const lastLeaves = sending.land(io.m_axis.tready).land(outBeat.eq(Math.ceil(ARP_FRAME_BYTES / B) - 1));
  const accept = request.land(sending.lnot().lor(lastLeaves)); // back-to-back requests get back-to-back replies
  io.busy.set(counter('busy_count', request.land(accept.lnot())));
  io.replies.set(counter('reply_count', accept));
  // Wire order (byte 0 first): dst, src, type, htype, ptype, hlen, plen, op, sha, spa, tha, tpa.
  const wire = [sha, io.local_mac, lit(0x0806, UInt(16)), lit(1, UInt(16)), lit(0x0800, UInt(16)), lit(6, UInt(8)), lit(4, UInt(8)),
    lit(2, UInt(16)), io.local_mac, io.local_ip, sha, spa];
  const wireBytes = wire.flatMap((f) => Array.from({ length: f.width / 8 }, (_, i) => f.slice(f.width - 1 - 8 * i, f.width - 8 - 8 * i)));
  const padBits = beatsOut * W - ARP_FRAME_BYTES * 8;
  const replyNow = cat(...(padBits > 0 ? [lit(0, UInt(padBits))] : []), ...wireBytes.reverse());
  const o = io.m_axis;
  const lastOut = outBeat.eq(beatsOut - 1);
  when(accept, () => { reply.set(replyNow); sending.set(true); outBeat.set(0); })
    .elseWhen(sending.land(o.tready), () => {
      when(lastOut, () => sending.set(false));
      outBeat.set(outBeat.add(1));
    });
  let data: Sig = reply.slice(W - 1, 0);
  for (let i = 1; i < beatsOut; i++) data = mux(outBeat.eq(i), reply.slice(W * (i + 1) - 1, W * i), data);
  const tailBytes = ARP_FRAME_BYTES - (beatsOut - 1) * B;
  const fullKeep = (1n << BigInt(B)) - 1n, tailKeep = (1n << BigInt(tailBytes)) - 1n;
  o.tvalid.set(sending);
  o.tdata!.set(data);
  o.tkeep!.set(mux(lastOut, lit(tailKeep, UInt(B)), lit(fullKeep, UInt(B))));
  o.tlast!.set(lastOut);
  return io;
});
