// The RTL TOE (toe_top in Verilator with its firmware, sim/toe_rtl) facing the Linux kernel's TCP stack through a
// TAP device in a private network namespace: the kernel at 198.18.0.1, the RTL TOE at 198.18.0.2. The kernel
// resolves the TOE with ARP (the RTL's arp_responder answers); the TOE sends no ARP requests, so its entry for the
// kernel is entered through its NEIGH_* CSRs (an active open needs it before any frame from the kernel).
import { RtlToe, type RtlToeConfig } from '../toe_rtl/toe.ts';
import { loadTapAddon } from './addon.ts';
import { closeTapNamespace, KERNEL_IP, KERNEL_MAC, openTapNamespace, TapNamespace, TOE_IP, TOE_MAC, type TapEnd } from './lab.ts';
import { RtlTapLink, type RtlTapLinkOptions } from './rtl-tap-link.ts';

export interface RtlLabOptions {
  toe?: Partial<Omit<RtlToeConfig, 'name' | 'mac' | 'ip'>>;
  link?: RtlTapLinkOptions;
}

export class RtlLinuxLab extends TapNamespace {
  readonly link: RtlTapLink;

  private constructor(tap: TapEnd, readonly toe: RtlToe, o: RtlLabOptions) {
    super(tap);
    this.link = new RtlTapLink(toe, loadTapAddon(), tap.fd, o.link);
  }

  /** The namespace first (a host that cannot make one fails before the Verilator model loads), then the RTL. */
  static async open(o: RtlLabOptions = {}): Promise<RtlLinuxLab> {
    const tap = openTapNamespace();
    let toe: RtlToe | undefined;
    try {
      toe = await RtlToe.create({ name: 'rtl', mac: TOE_MAC, ip: TOE_IP, neighbours: [[KERNEL_IP, KERNEL_MAC]], ...o.toe });
      return new RtlLinuxLab(tap, toe, o);
    } catch (e) {
      toe?.close();
      closeTapNamespace(tap);
      throw e;
    }
  }

  /** Stop the peers, close the TAP, delete the namespace, free the simulation. Safe to call twice. */
  override close(): void {
    super.close();
    this.toe.close();
  }
}
