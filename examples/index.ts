// The example corpus: small, complete designs that show the DSL and are tested on both simulators.
import { design, type DesignEntry } from '../gen/design.ts';
import { Counter } from './counter.ts';
import { Lfsr } from './lfsr.ts';
import { Alu } from './alu.ts';
import { SyncFifo } from './sync-fifo.ts';
import { AsyncFifo } from './async-fifo.ts';
import { SkidBuffer } from './skid-buffer.ts';
import { StreamDownsizer, StreamUpsizer } from './width-converter.ts';
import { RingBuffer } from './ring-buffer.ts';
import { UartTx } from './uart-tx.ts';
import { WideDatapath } from './wide-datapath.ts';
import { StreamPipeline } from './stream-pipeline.ts';

export const exampleDesigns: DesignEntry[] = [
  design('counter', '32-bit counter with enable, clear and wrap pulse', Counter, { width: 32 }),
  design('lfsr', '16-bit Galois LFSR, x^16+x^14+x^13+x^11+1 (period 65535), with seed load', Lfsr,
    { width: 16, taps: [16, 14, 13, 11], kind: 'galois' }),
  design('alu', '32-bit ALU: add/sub/and/or/xor, sll/srl/sra, signed and unsigned less-than, mul low half; Z/N/C/V flags', Alu,
    { width: 32 }),
  design('sync_fifo', '8-bit x 16 synchronous FIFO, RAM-backed, show-ahead AXI4-Stream ports, count/full/empty', SyncFifo,
    { width: 8, depth: 16 }),
  design('sync_fifo_bram', '32-bit x 1024 (4 KiB) synchronous FIFO: the same generator, sized to map onto block RAM', SyncFifo,
    { width: 32, depth: 1024 }),
  design('async_fifo', '16-bit x 16 dual-clock FIFO: Gray-code pointers through synchronize(), domains wr and rd', AsyncFifo,
    { width: 16, depth: 16 }),
  design('skid_buffer', '32-bit AXI4-Stream register slice (tkeep, tlast): full throughput, registered tready', SkidBuffer,
    { width: 32, keep: true, last: true }),
  design('width_converter', 'AXI4-Stream downsizer 64 -> 16 bits: tkeep-aware, null lanes skipped, tlast on the last beat', StreamDownsizer,
    { inBits: 64, outBits: 16 }),
  design('width_converter_up', 'AXI4-Stream upsizer 16 -> 64 bits: packs lanes, early tlast zero-fills tkeep', StreamUpsizer,
    { inBits: 16, outBits: 64 }),
  design('ring_buffer', '256-byte RAM ring: append, read at rd_ptr + offset, free n bytes; occupancy and pointers', RingBuffer,
    { width: 8, depth: 256 }),
  design('uart_tx', 'UART transmitter 8N1 as an FSM, 868 clocks per bit (115200 baud at 100 MHz), stream input', UartTx,
    { clksPerBit: 868 }),
  design('wide_datapath', '130-bit pipeline: add with carry, xor, dynamic rotate, accumulate with sticky carry', WideDatapath,
    { width: 130 }),
  design('stream_pipeline', 'Instances: 64-bit stream -> skid buffer -> 64:16 downsizer -> FIFO -> 16:64 upsizer', StreamPipeline,
    { wideBits: 64, narrowBits: 16, fifoDepth: 32 }),
];
