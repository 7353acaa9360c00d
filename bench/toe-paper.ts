// The seed paper's host CPU cost of Linux 2.4 TCP/IP (1.8 GHz Xeon, Intel PRO/1000 MT), in 1,000 CPU clocks
// (../shared/design/facts.md §5), and its group's prototype figures on Gigabit Ethernet.
export const PAPER_HOST_HZ = 1.8e9;

export interface PaperCost { label: string; bytes: number; sendKclk: number; recvKclk: number; waitForMemoryKclk: number }

/** Sizes as the paper names them; the byte counts are decimal (1.4 KB = 1,400 bytes, 1 MB = 1,000,000). */
export const PAPER_COSTS: PaperCost[] = [
  { label: '1.4 KB', bytes: 1_400, sendKclk: 17, recvKclk: 59, waitForMemoryKclk: 0 },
  { label: '14 KB', bytes: 14_000, sendKclk: 185, recvKclk: 263, waitForMemoryKclk: 0 },
  { label: '140 KB', bytes: 140_000, sendKclk: 5_918, recvKclk: 1_974, waitForMemoryKclk: 4_092 },
  { label: '1 MB', bytes: 1_000_000, sendKclk: 46_511, recvKclk: 16_308, waitForMemoryKclk: 31_298 },
];

/** The later prototype (JISE 27(2), 2011) on Gigabit Ethernet: MB/s one way and both ways (total). */
export const PAPER_PROTOTYPE = { oneWayMBps: 110, bothWaysMBps: 201, minLatencyUs: 13.5 };
