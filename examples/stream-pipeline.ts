import { defineModule, input, output, Stream, cat, type Sig } from '../dsl/index.ts';
import { SkidBuffer } from './skid-buffer.ts';
import { StreamDownsizer, StreamUpsizer } from './width-converter.ts';
import { SyncFifo } from './sync-fifo.ts';
import { connectStream } from './stream-util.ts';

export interface StreamPipelineParams {
  /** The outer stream width (tdata bits). */
  wideBits: number;
  /** The inner, narrow stream width. */
  narrowBits: number;
  /** Narrow beats the FIFO holds. */
  fifoDepth: number;
}

/**
 * A top made of instances: wideBits AXI4-Stream in → skid buffer → downsizer → FIFO of narrow beats (tdata,
 * tkeep and tlast packed into one FIFO word) → upsizer → out. A packed stream comes out bit-identical, so
 * the design is its own check; it shows instances, stream wiring helpers and per-instance parameters.
 */
export const StreamPipeline = defineModule('stream_pipeline', (m, p: StreamPipelineParams) => {
  const narrowKeep = p.narrowBits / 8;
  const io = m.io({
    in: input(Stream(p.wideBits, { keep: true, last: true })),
    out: output(Stream(p.wideBits, { keep: true, last: true })),
  });
  const slice = m.instance(SkidBuffer, { width: p.wideBits, keep: true, last: true });
  const down = m.instance(StreamDownsizer, { inBits: p.wideBits, outBits: p.narrowBits });
  const fifo = m.instance(SyncFifo, { width: p.narrowBits + narrowKeep + 1, depth: p.fifoDepth });
  const up = m.instance(StreamUpsizer, { inBits: p.narrowBits, outBits: p.wideBits });

  connectStream(slice.in, io.in);
  connectStream(down.in, slice.out);

  // The FIFO carries {tlast, tkeep, tdata} as one word.
  fifo.in.tdata.set(cat(down.out.tlast!, down.out.tkeep!, down.out.tdata));
  fifo.in.tvalid.set(down.out.tvalid);
  down.out.tready.set(fifo.in.tready);

  const word: Sig = fifo.out.tdata;
  up.in.tdata.set(word.slice(p.narrowBits - 1, 0));
  up.in.tkeep!.set(word.slice(p.narrowBits + narrowKeep - 1, p.narrowBits));
  up.in.tlast!.set(word.bit(p.narrowBits + narrowKeep));
  up.in.tvalid.set(fifo.out.tvalid);
  fifo.out.tready.set(up.in.tready);

  connectStream(io.out, up.out);
  return io;
}, { wideBits: 64, narrowBits: 16, fifoDepth: 32 });
