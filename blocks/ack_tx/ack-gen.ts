// The ACK generator: delayed-ACK policy for N connections + the ACK/RST frame builder.
import { defineModule, input, output, UInt, Stream, clog2 } from '../../dsl/index.ts';
import { Handshake, ackEventFields, ackRequestFields, checkWidth, sackSetFieldsFor } from './types.ts';
import { AckPolicy, txAckedFieldsFor } from './ack-policy.ts';
import { AckFrame } from './ack-frame.ts';
import { connectHandshake, connectStream } from './bundle.ts';

export interface AckGenParams {
  /** Datapath bits (8 .. 512). */
  width: number;
  /** Connections tracked by the delayed-ACK table. */
  conns: number;
  /** IPv4 TTL. */
  ttl: number;
}

/**
 * RX-path events (`ev`), TX-path reports (`tx_acked`) and the firmware's SACK blocks (`sack_set`) go into AckPolicy, which decides when a connection
 * gets an ACK (or a RST) and hands the request to AckFrame, which sends the frame on `m_axis`.
 * `tsval` is the free-running timestamp clock for TSval; the three timing inputs are in cycles.
 */
export const AckGen = defineModule('ack_gen', (m, p: AckGenParams) => {
  checkWidth('ack_gen', p.width);
  const cb = clog2(p.conns);
  const eventFields = ackEventFields(cb);
  const txAckedFields = txAckedFieldsFor(cb);
  const sackSetFields = sackSetFieldsFor(cb);
  const io = m.io({
    ev: input(Handshake(eventFields)),
    tx_acked: input(Handshake(txAckedFields)),
    sack_set: input(Handshake(sackSetFields)),
    delack_timeout: input(UInt(32)),
    chal_interval: input(UInt(32)),
    chal_limit: input(UInt(16)),
    tsval: input(UInt(32)),
    m_axis: output(Stream(p.width, { keep: true, last: true })),
    ack_pending: output(UInt(p.conns)),
    frames: output(UInt(32)),
    acks_timer: output(UInt(32)),
    acks_threshold: output(UInt(32)),
    acks_immediate: output(UInt(32)),
    challenges_sent: output(UInt(32)),
    challenges_limited: output(UInt(32)),
    resets: output(UInt(32)),
    sack_set_refused: output(UInt(32)),
  });
  const policy = m.instance(AckPolicy, { conns: p.conns });
  const builder = m.instance(AckFrame, { width: p.width, ttl: p.ttl });
  connectHandshake(policy.ev, io.ev, eventFields);
  connectHandshake(policy.tx_acked, io.tx_acked, txAckedFields);
  connectHandshake(policy.sack_set, io.sack_set, sackSetFields);
  policy.delack_timeout.set(io.delack_timeout);
  policy.chal_interval.set(io.chal_interval);
  policy.chal_limit.set(io.chal_limit);
  connectHandshake(builder.req, policy.req, ackRequestFields);
  builder.tsval.set(io.tsval);
  connectStream(io.m_axis, builder.m_axis);
  io.ack_pending.set(policy.ack_pending);
  io.frames.set(builder.frames);
  io.acks_timer.set(policy.acks_timer);
  io.acks_threshold.set(policy.acks_threshold);
  io.acks_immediate.set(policy.acks_immediate);
  io.challenges_sent.set(policy.challenges_sent);
  io.challenges_limited.set(policy.challenges_limited);
  io.resets.set(policy.resets);
  io.sack_set_refused.set(policy.sack_set_refused);
  return io;
}, { width: 64, conns: 64, ttl: 64 } as AckGenParams);
