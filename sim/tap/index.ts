// The TOE model against a real kernel TCP stack: a TAP device in a private network namespace, the model paced
// against the wall clock, and a Node `net` peer run inside the namespace.
export { loadTapAddon, tapAddonPath, type TapAddon } from './addon.ts';
export { Netns, netnsUnavailable } from './netns.ts';
export { TapLink, type TapLinkOptions, type TapLinkStats } from './tap-link.ts';
export { LinuxLab, LinuxPeer, KERNEL_IP, KERNEL_MAC, TOE_IP, TOE_MAC, type LabOptions } from './lab.ts';
export type { PeerArgs, PeerDone, PeerMessage } from './linux-peer.ts';
export { pattern } from './pattern.ts';
export { closeTapNamespace, openTapNamespace, TapNamespace, type TapEnd, type TapNamespaceOptions } from './lab.ts';
export { RtlLinuxLab, type RtlLabOptions } from './rtl-lab.ts';
export { RtlTapLink, type RtlTapLinkOptions, type RtlTapLinkStats } from './rtl-tap-link.ts';
export { toeFrameProblem } from './frame-check.ts';
