// host_glue's designs, as they appear in rtl_out/.
import { design, type DesignEntry } from '../../gen/design.ts';
import { HostGlue } from './host-glue.ts';

export const designs: DesignEntry[] = [
  design('host_glue', 'The host interface joined to the TOE cores: command ring -> HOST_* events, TX ring -> HOST_SEND + pending-send table, COPY_IN DMA into the send-queue append stream, HOST_NOTE -> NOTE completions, MEM_AVAILABLE, receive queues -> posted RX buffers',
    HostGlue, {}),
];
