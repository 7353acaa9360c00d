// Software packet reference model: Ethernet, ARP, IPv4, TCP, checksums, pcap.
// Pure TypeScript over Uint8Array; the model that hardware tests compare against.

export * from './addr.ts';
export * from './arp.ts';
export * from './checksum.ts';
export type { ParseError, ParseErrorReason, Parsed } from './errors.ts';
export * from './ethernet.ts';
export * from './format.ts';
export * from './frame.ts';
export * from './ipv4.ts';
export * from './pcap.ts';
export * from './seq.ts';
export * from './tcp.ts';
export * from './tcp-options.ts';
