/** Designs whose lint (mostly Yosys) takes minutes: rtl-out-large.test.ts checks them, rtl-out.test.ts the rest. */
export const LARGE_DESIGNS = ['toe_top'];
/** Time allowed for one large design's lint: toe_top takes about 4 minutes on one core. */
export const LARGE_LINT_TIMEOUT_MS = 20 * 60_000;
