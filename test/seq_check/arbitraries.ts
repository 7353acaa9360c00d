// fast-check generators of seq_check cases, biased to the edges: sequence numbers near the 2^32 wrap (and
// 2^31 apart), empty windows, segments straddling either window edge, lengths 0 and 1, RST/SYN/FIN mixes.
import fc from 'fast-check';
import type { SegCase } from '../../sim/tcp/seq-check-model.ts';

const u32 = (x: number) => x >>> 0;
const TWO31 = 2 ** 31;

/** A base sequence number: near 0, near the wrap, near 2^31, or anywhere. */
const anchor = fc.oneof(
  fc.integer({ min: 0, max: 70_000 }),
  fc.integer({ min: 2 ** 32 - 70_000, max: 2 ** 32 - 1 }),
  fc.integer({ min: TWO31 - 70_000, max: TWO31 + 70_000 }),
  fc.integer({ min: 0, max: 2 ** 32 - 1 }),
);

/** A receive or send window: zero, tiny, typical, the RFC 7323 maximum, or anywhere below it. */
const window = fc.oneof(
  fc.constantFrom(0, 0, 1, 2, 1448, 65535, 65536, 2 ** 30, TWO31 - 1),
  fc.integer({ min: 0, max: 100 }),
  fc.integer({ min: 0, max: 2 ** 30 }),
);

const payloadLen = fc.oneof(
  fc.constantFrom(0, 0, 1, 2, 1448, 65535),
  fc.integer({ min: 0, max: 100 }),
  fc.integer({ min: 0, max: 65535 }),
);

/** An offset of `x` from a reference point, chosen near the interesting edges given as `edges`. */
const near = (edges: number[]) => fc.tuple(fc.constantFrom(...edges), fc.integer({ min: -2, max: 2 })).map(([e, d]) => e + d);

/** True with probability `p` percent. */
const chance = (p: number) => fc.integer({ min: 0, max: 99 }).map((x) => x < p);

const flags = fc.record({ ctl_syn: chance(12), ctl_rst: chance(12), ctl_fin: chance(25), ctl_ack: chance(90) });

/** One case. The segment's SEQ and ACK are placed relative to the window edges and SND.UNA/SND.NXT. */
export const segCase: fc.Arbitrary<SegCase> = fc.record({
  rcv_nxt: anchor, rcv_wnd: window, len: payloadLen,
  snd_una: anchor, inFlight: fc.oneof(fc.constantFrom(0, 1, 1448), fc.integer({ min: 0, max: 2 ** 30 })),
  max_snd_wnd: window,
  seqRandom: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  ackRandom: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  wnd: fc.oneof(fc.constantFrom(0, 1, 65535), fc.integer({ min: 0, max: 65535 })),
  snd_wscale: fc.oneof(fc.constantFrom(0, 7, 14, 15), fc.integer({ min: 0, max: 15 })),
  sameWnd: fc.boolean(),
  sndWndRandom: fc.integer({ min: 0, max: 2 ** 30 }),
  wl1Pick: fc.integer({ min: -3, max: 3 }),
  wl2Pick: fc.integer({ min: -3, max: 3 }),
  flags,
  seqMode: fc.integer({ min: 0, max: 9 }),
  pureAck: chance(15),
  ackMode: fc.integer({ min: 0, max: 9 }),
}).map((r) => (r.pureAck
  // A pure ACK at SND.UNA with the window unchanged, the raw material of RFC 5681 duplicate ACKs.
  ? { ...r, len: 0, flags: { ctl_syn: false, ctl_rst: false, ctl_fin: false, ctl_ack: true }, sameWnd: true, seqMode: 1, ackMode: 1 }
  : r)).chain((r) => {
  // SEQ near RCV.NXT, the right edge, or such that the segment's end touches either edge; now and then anywhere.
  const segLen = r.len + (r.flags.ctl_syn ? 1 : 0) + (r.flags.ctl_fin ? 1 : 0);
  const seqEdges = [0, r.rcv_wnd, -segLen, r.rcv_wnd - segLen, -Math.floor(segLen / 2), r.rcv_wnd - Math.floor(segLen / 2), TWO31, -TWO31 + 1];
  const ackEdges = [0, r.inFlight, -r.max_snd_wnd, TWO31, 1 - TWO31];
  const ackNear = r.pureAck ? fc.constant(0) : near(ackEdges);
  return fc.tuple(near(seqEdges), ackNear).map(([seqOff, ackOff]) => {
    const seq = r.seqMode === 0 ? r.seqRandom : u32(r.rcv_nxt + seqOff);
    const ack = r.ackMode === 0 ? r.ackRandom : u32(r.snd_una + ackOff);
    const segWnd = r.wnd * 2 ** Math.min(r.snd_wscale, 14);
    const c: SegCase = {
      tag: 0,
      seq, ack, len: r.len, wnd: r.wnd, ...r.flags,
      rcv_nxt: r.rcv_nxt, rcv_wnd: r.rcv_wnd,
      snd_una: r.snd_una, snd_nxt: u32(r.snd_una + r.inFlight),
      snd_wnd: r.sameWnd ? segWnd : r.sndWndRandom, snd_wscale: r.snd_wscale,
      snd_wl1: u32(seq + r.wl1Pick), snd_wl2: u32(ack + r.wl2Pick),
      max_snd_wnd: r.max_snd_wnd,
    };
    return c;
  });
});
