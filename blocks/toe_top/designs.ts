import { design, type DesignEntry } from '../../gen/design.ts';
import { ToeTop } from './toe-top.ts';

export const designs: DesignEntry[] = [
  design('toe_top', 'The Hybrid TOE: MAC rx/tx (AXI4-Stream, 64-bit), host registers (AXI4-Lite) and host memory (AXI4), the receive and send cores\' firmware buses (AXI4-Lite); 64 connections, two 256 KiB skb pools',
    // No overrides: the module keeps its plain name, toe_top (the defaults are in params.ts).
    ToeTop, {}),
];
