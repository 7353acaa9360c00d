// Where a segment goes after seq_check (sim/toe_model/toe.ts rxSegment): decided once, in toe_rx's CHECK phase,
// because the fast-path TCB writes depend on it (RCV.NXT moves only for data the hardware delivers itself; the
// connection leaves the fast path only for a segment the RX core gets). rx_dispatch carries it out.
import { UInt, lit, mux, type Sig } from '../../dsl/index.ts';
import { SeqVerdict } from '../seq_check/interface.ts';
import { RxMode } from '../../firmware/api.ts';

export const Route = {
  /** reason not OK: counted, nothing posted. */
  BAD: 0,
  /** No connection: SEG_NOCONN to the RX core. */
  NO_CONN: 1,
  /** RX_MODE RAW: SEG with verdict UNCHECKED, no payload. */
  RAW_SEG: 2,
  /** Verdict DROP: counted. */
  DROP: 3,
  /** FAST, plain, in order with bytes: into the receive queue, ack_gen IN_ORDER (FILLS_GAP with a D-SACK). */
  FAST_DATA: 4,
  /** FAST, plain, DUPLICATE / SEND_ACK: ack_gen DUPLICATE (with a D-SACK when SACK_DSACK). */
  FAST_ACK: 5,
  /** FAST, CHALLENGE_ACK: ack_gen CHALLENGE. */
  FAST_CHALLENGE: 6,
  /** FAST, plain, nothing to deliver (a pure ACK): its ACK field was all it had. */
  FAST_NONE: 7,
  /** Everything else: SEG to the RX core, the accepted payload in an skb; the connection goes to FIRMWARE. */
  FW_SEG: 8,
  /** Needed a buffer and rx_dispatch had none: dropped, counted (the peer retransmits). */
  NOMEM: 9,
  /** The accepted bytes do not fit one block: dropped, counted. */
  TOO_LONG: 10,
} as const;
export const ROUTE_BITS = 4;

export interface RouteIn {
  rxMode: Sig; flags: Sig; verdict: Sig; trimFront: Sig; acceptLen: Sig;
  /** rx_dispatch holds a free block for this segment. */
  bufReady: Sig;
}

/** The route of a segment of a connection that was found (hit). `blockBytes`: the skb block size. */
export function routeOf(r: RouteIn, blockBytes: number): Sig {
  const R = (code: number) => lit(code, UInt(ROUTE_BITS));
  const is = (v: number) => r.verdict.eq(v);
  const fast = r.rxMode.eq(RxMode.FAST);
  const raw = r.rxMode.ge(RxMode.RAW);
  const plain = r.flags.slice(2, 0).orR().lnot(); // no FIN, SYN, RST
  const bytes = r.acceptLen.ne(0);
  // The payload the block gets is [trim_front, trim_front + accept_len); rx_dispatch keeps one block's worth.
  const tooLong = r.trimFront.zext(17).add(r.acceptLen.zext(17)).gt(blockBytes);
  const needsBlock = (ok: Sig) => mux(tooLong, R(Route.TOO_LONG), mux(r.bufReady, ok, R(Route.NOMEM)));
  const toFirmware = mux(is(SeqVerdict.IN_ORDER).lor(is(SeqVerdict.OUT_OF_ORDER)).land(bytes), needsBlock(R(Route.FW_SEG)), R(Route.FW_SEG));
  const fastPlain = mux(is(SeqVerdict.IN_ORDER), mux(bytes, needsBlock(R(Route.FAST_DATA)), R(Route.FAST_NONE)),
    mux(is(SeqVerdict.DUPLICATE).lor(is(SeqVerdict.SEND_ACK)), R(Route.FAST_ACK),
      mux(is(SeqVerdict.OUT_OF_ORDER).land(bytes.lnot()), R(Route.FAST_NONE), toFirmware)));
  return mux(raw, R(Route.RAW_SEG),
    mux(is(SeqVerdict.DROP), R(Route.DROP),
      mux(fast.land(is(SeqVerdict.CHALLENGE_ACK)), R(Route.FAST_CHALLENGE),
        mux(fast.land(plain), fastPlain, toFirmware))));
}
