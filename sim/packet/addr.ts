// MAC and IPv4 address helpers.
// Canonical forms used throughout sim/packet: a MAC is a 6-byte Uint8Array,
// an IPv4 address is an unsigned 32-bit number (host order, 10.0.0.1 = 0x0a000001).
// Strings are accepted wherever a caller builds something, never returned by parsers.

export type MacAddr = Uint8Array;
export type Ipv4Addr = number;
export type MacInput = MacAddr | string;
export type Ipv4Input = Ipv4Addr | string;

export const BROADCAST_MAC: MacAddr = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);

/** "02:00:00:00:00:01" (also accepts '-' separators) → 6 bytes. Throws on malformed text. */
export function macFromString(text: string): MacAddr {
  const parts = text.trim().split(/[:-]/);
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{1,2}$/.test(p))) {
    throw new Error(`invalid MAC address "${text}": expected six hex bytes like 02:00:00:00:00:01`);
  }
  return new Uint8Array(parts.map((p) => parseInt(p, 16)));
}

/** 6 bytes → lower-case "aa:bb:cc:dd:ee:ff". */
export function macToString(mac: MacAddr): string {
  if (mac.length !== 6) throw new Error(`MAC address must be 6 bytes, got ${mac.length}`);
  return Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join(':');
}

/** "192.168.0.1" → 0xc0a80001. Throws on malformed text (no leading zeros, 0..255 per octet). */
export function ipv4FromString(text: string): Ipv4Addr {
  const parts = text.trim().split('.');
  if (parts.length !== 4 || parts.some((p) => !/^(0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > 255)) {
    throw new Error(`invalid IPv4 address "${text}": expected dotted quad like 192.168.0.1`);
  }
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0) >>> 0;
}

/** 0xc0a80001 → "192.168.0.1". */
export function ipv4ToString(addr: Ipv4Addr): string {
  checkIpv4(addr);
  return [addr >>> 24, (addr >>> 16) & 0xff, (addr >>> 8) & 0xff, addr & 0xff].join('.');
}

export function toMac(mac: MacInput): MacAddr {
  if (typeof mac === 'string') return macFromString(mac);
  if (mac.length !== 6) throw new Error(`MAC address must be 6 bytes, got ${mac.length}`);
  return mac;
}

export function toIpv4(addr: Ipv4Input): Ipv4Addr {
  return typeof addr === 'string' ? ipv4FromString(addr) : checkIpv4(addr);
}

function checkIpv4(addr: number): number {
  if (!Number.isInteger(addr) || addr < 0 || addr > 0xffffffff) {
    throw new Error(`IPv4 address must be an integer in 0..2^32-1, got ${addr}`);
  }
  return addr;
}
