// A test bench: the tx_engine wired to a real skb manager, with the skb ports stalled at random (an LFSR under
// `stall_rate`: 0 never, 1..3 about rate/8 of the cycles), as toe_top's arbiters may do.
import { defineModule, input, output, Bool, UInt, Stream, lit, cat } from '../../dsl/index.ts';
import { TxEngine } from '../../blocks/tx_engine/tx-engine.ts';
import { txEngineDefaults, txEngineGeometry, type TxEngineParams } from '../../blocks/tx_engine/params.ts';
import { txrFields } from '../../blocks/tx_engine/txr.ts';
import { SkbManager } from '../../blocks/skb/skb-manager.ts';
import { skbDefaults } from '../../blocks/skb/params.ts';
import { Handshake } from '../../blocks/ack_tx/types.ts';
import { connectHandshake, connectStream } from '../../blocks/ack_tx/bundle.ts';

export const COUNTERS = ['frames', 'bad_conn_count', 'seg_range_count', 'sq_base_refused_count', 'app_nomem_count', 'app_keep_count', 'skb_error_count', 'len_errors'] as const;

export const TxEngineBench = defineModule('tx_engine_bench', (m, p: TxEngineParams) => {
  const g = txEngineGeometry(p);
  const W = p.width, nb = W / 8;
  const appFields = { conn: UInt(16), data: UInt(W), keep: UInt(nb), last: Bool };
  const doneFields = { conn: UInt(16), copied: UInt(32), nomem: Bool };
  const ackedFields = { conn: UInt(g.connIndexBits), ack: UInt(32), snd_nxt: UInt(32) };
  const io = m.io({
    txr: input(Handshake(txrFields)),
    sq_app: input(Handshake(appFields)),
    sq_app_done: output(Handshake(doneFields)),
    sq_base: input(Handshake({ conn: UInt(16), value: UInt(32) })),
    sq_delete: input(Handshake({ conn: UInt(16) })),
    tx_acked: output(Handshake(ackedFields)),
    local_mac: input(UInt(48)),
    tsval: input(UInt(32)),
    stall_rate: input(UInt(2)),
    m_axis: output(Stream(W, { keep: true, last: true })),
    free_count: output(UInt(g.countBits)),
    ...Object.fromEntries(COUNTERS.map((c) => [c, output(UInt(32))])) as Record<(typeof COUNTERS)[number], ReturnType<typeof output>>,
  });
  const eng = m.instance(TxEngine, p);
  const skb = m.instance(SkbManager, { ...skbDefaults, width: W, bufferBytes: p.blocks * p.blockBytes, blockBytes: p.blockBytes, connections: p.conns, idBits: p.idBits, connBits: p.connBits });
  connectHandshake(eng.txr, io.txr, txrFields);
  connectHandshake(eng.sq_app, io.sq_app, appFields);
  connectHandshake(io.sq_app_done, eng.sq_app_done, doneFields);
  connectHandshake(eng.sq_base, io.sq_base, { conn: 0, value: 0 });
  connectHandshake(eng.sq_delete, io.sq_delete, { conn: 0 });
  connectHandshake(io.tx_acked, eng.tx_acked, ackedFields);
  eng.local_mac.set(io.local_mac);
  eng.tsval.set(io.tsval);
  connectStream(io.m_axis, eng.m_axis);

  const lfsr = m.reg(UInt(16), { reset: 0xace1 });
  lfsr.set(cat(lfsr.slice(14, 0), lfsr.bit(15).xor(lfsr.bit(13)).xor(lfsr.bit(12)).xor(lfsr.bit(10))));
  const stall = lfsr.slice(2, 0).lt(io.stall_rate.zext(3));
  const go = stall.lnot();
  skb.alloc.valid.set(eng.skb_alloc.valid.land(go)); eng.skb_alloc.ready.set(skb.alloc.ready.land(go)); eng.skb_alloc.id.set(skb.alloc.id);
  skb.free.valid.set(eng.skb_free.valid.land(go)); eng.skb_free.ready.set(skb.free.ready.land(go)); skb.free.id.set(eng.skb_free.id);
  skb.get.valid.set(false); skb.get.id.set(lit(0, UInt(p.idBits)));
  skb.q.valid.set(eng.skb_q.valid.land(go)); eng.skb_q.ready.set(skb.q.ready.land(go));
  skb.q.op.set(eng.skb_q.op); skb.q.conn.set(eng.skb_q.conn); skb.q.dir.set(eng.skb_q.dir); skb.q.id.set(eng.skb_q.id);
  eng.skb_q_resp.valid.set(skb.q_resp.valid); eng.skb_q_resp.id.set(skb.q_resp.id); eng.skb_q_resp.empty.set(skb.q_resp.empty);
  skb.meta_wr.valid.set(false); skb.meta_wr.id.set(lit(0, UInt(p.idBits))); skb.meta_wr.fields.set(lit(0, UInt(3)));
  skb.meta_wr.len.set(lit(0, UInt(16))); skb.meta_wr.seq.set(lit(0, UInt(32))); skb.meta_wr.csum.set(lit(0, UInt(16)));
  skb.meta_rd.valid.set(eng.skb_meta_rd.valid.land(go)); eng.skb_meta_rd.ready.set(go); skb.meta_rd.id.set(eng.skb_meta_rd.id);
  eng.skb_meta_resp.valid.set(skb.meta_resp.valid); eng.skb_meta_resp.next.set(skb.meta_resp.next);
  skb.wr.valid.set(eng.skb_wr.valid.land(go)); eng.skb_wr.ready.set(go);
  skb.wr.block.set(eng.skb_wr.block); skb.wr.offset.set(eng.skb_wr.offset); skb.wr.data.set(eng.skb_wr.data); skb.wr.keep.set(eng.skb_wr.keep);
  skb.rd.valid.set(eng.skb_rd.valid.land(go)); eng.skb_rd.ready.set(go); skb.rd.block.set(eng.skb_rd.block); skb.rd.offset.set(eng.skb_rd.offset);
  eng.skb_rd_resp.valid.set(skb.rd_resp.valid); eng.skb_rd_resp.data.set(skb.rd_resp.data);
  eng.skb_free_count.set(skb.free_count);
  io.free_count.set(skb.free_count);
  for (const c of COUNTERS) (io as unknown as Record<string, { set(v: unknown): void }>)[c]!.set((eng as unknown as Record<string, unknown>)[c]);
  return io;
}, { ...txEngineDefaults, blocks: 16, blockBytes: 256, conns: 8, reserveBlocks: 2, fifoBytes: 512 } as TxEngineParams);
