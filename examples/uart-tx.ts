import { defineModule, input, output, Bool, UInt, Stream, when, fsm, clog2 } from '../dsl/index.ts';

export interface UartTxParams {
  /** Clock cycles per bit (>= 2): the clock frequency over the baud rate, e.g. 100 MHz / 115200 = 868. */
  clksPerBit: number;
}

/**
 * A UART transmitter, 8N1: a start bit (0), eight data bits LSB first, one stop bit (1); every bit lasts exactly
 * clksPerBit cycles. Bytes come in on an AXI4-Stream sink: in_tready is high in IDLE, and also in the last cycle
 * of a stop bit, so back-to-back bytes leave with no idle time between frames. `txd` comes straight from a
 * flip-flop (idle high). `busy` is high while a frame is on the line.
 */
export const UartTx = defineModule('uart_tx', (m, p: UartTxParams) => {
  if (!Number.isInteger(p.clksPerBit) || p.clksPerBit < 2) throw new Error(`uart_tx: clksPerBit must be an integer >= 2, got ${p.clksPerBit}`);
  const io = m.io({
    in: input(Stream(8, { keep: false, last: false })),
    txd: output(Bool),
    busy: output(Bool),
  });
  const ctl = fsm(['IDLE', 'START', 'DATA', 'STOP']);
  const baudCount = m.reg(UInt(clog2(p.clksPerBit)), { reset: 0 });
  const bitIndex = m.reg(UInt(3), { reset: 0 });
  const shifter = m.reg(UInt(8));
  const txLine = m.reg(Bool, { reset: true });

  const bitDone = baudCount.eq(p.clksPerBit - 1);
  const takeByte = ctl.is('IDLE').lor(ctl.is('STOP').land(bitDone));
  const accept = takeByte.land(io.in.tvalid);

  // The bit timer runs in every state but IDLE and restarts with each bit.
  when(ctl.is('IDLE').lor(bitDone), () => baudCount.set(0))
    .otherwise(() => baudCount.set(baudCount.add(1)));

  ctl.switch({
    START: () => {
      when(bitDone, () => {
        txLine.set(shifter.bit(0));
        shifter.set(shifter.shr(1));
        bitIndex.set(0);
        ctl.goto('DATA');
      });
    },
    DATA: () => {
      when(bitDone, () => {
        when(bitIndex.eq(7), () => {
          txLine.set(true);
          ctl.goto('STOP');
        }).otherwise(() => {
          txLine.set(shifter.bit(0));
          shifter.set(shifter.shr(1));
          bitIndex.set(bitIndex.add(1));
        });
      });
    },
    STOP: () => {
      when(bitDone, () => ctl.goto('IDLE'));
    },
  });
  // A new byte starts its start bit: from IDLE, or straight after the stop bit ends.
  when(accept, () => {
    shifter.set(io.in.tdata);
    txLine.set(false);
    ctl.goto('START');
  });

  io.in.tready.set(takeByte);
  io.txd.set(txLine);
  io.busy.set(ctl.is('IDLE').lnot());
  return io;
}, { clksPerBit: 868 });
