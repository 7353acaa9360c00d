// Hand-written Verilog for the Verilator tests (the DSL is not used here on purpose).
import type { ModelSpec, PortSpec } from '../../sim/verilator/index.ts';

const inp = (name: string, width = 1, signed = false): PortSpec => ({ name, dir: 'in', width, signed });
const out = (name: string, width = 1, signed = false): PortSpec => ({ name, dir: 'out', width, signed });

/** 32-bit counter with enable and synchronous reset; `step` changes the Verilog text (and the hash). */
export function counterSpec(step = 1, name = 'counter'): ModelSpec {
  return {
    top: name,
    files: [
      {
        name: `${name}.v`,
        text: `module ${name} (
  input clk,
  input rst,
  input en,
  output reg [31:0] q
);
  always @(posedge clk)
    if (rst) q <= 32'd0;
    else if (en) q <= q + 32'd${step};
endmodule
`,
      },
    ],
    ports: [inp('clk'), inp('rst'), inp('en'), out('q', 32)],
  };
}

export const WIDTHS = [1, 32, 33, 64, 65, 130];

/** For each width W: d<W> -> c<W> combinationally and -> r<W> through a register; plus signed ports. */
export function widthsSpec(): ModelSpec {
  const decl = WIDTHS.map((w) => `  input [${w - 1}:0] d${w},\n  output [${w - 1}:0] c${w},\n  output reg [${w - 1}:0] r${w},`).join('\n');
  const body = WIDTHS.map((w) => `  assign c${w} = d${w};\n  always @(posedge clk) r${w} <= d${w};`).join('\n');
  return {
    top: 'widths',
    files: [
      {
        name: 'widths.v',
        text: `module widths (
  input clk,
${decl}
  input signed [4:0] s5,
  output signed [4:0] s5o,
  input signed [39:0] s40,
  output signed [39:0] s40o,
  input signed [99:0] s100,
  output signed [99:0] s100o
);
${body}
  assign s5o = s5;
  assign s40o = s40;
  assign s100o = s100;
endmodule
`,
      },
    ],
    ports: [
      inp('clk'),
      ...WIDTHS.flatMap((w) => [inp(`d${w}`, w), out(`c${w}`, w), out(`r${w}`, w)]),
      inp('s5', 5, true),
      out('s5o', 5, true),
      inp('s40', 40, true),
      out('s40o', 40, true),
      inp('s100', 100, true),
      out('s100o', 100, true),
    ],
  };
}

/**
 * AXI4-Stream register slice (skid buffer, full throughput): tdata W bits, tkeep W/8, tlast,
 * and a 4-bit tuser when withUser.
 */
export function axisRegSpec(w: number, withUser = false): ModelSpec {
  const k = w / 8;
  const top = `axis_reg_w${w}${withUser ? 'u' : ''}`;
  const u = withUser;
  const fields = ['tdata', 'tkeep', 'tlast', ...(u ? ['tuser'] : [])];
  const width: Record<string, number> = { tdata: w, tkeep: k, tlast: 1, tuser: 4 };
  const vec = (f: string) => (width[f]! > 1 ? `[${width[f]! - 1}:0] ` : '');
  const regs = fields.map((f) => `  reg ${vec(f)}o_${f}, b_${f};`).join('\n');
  const mv = (dst: string, src: string) => fields.map((f) => `${dst}_${f} <= ${src}_${f};`).join(' ');
  return {
    top,
    files: [
      {
        name: `${top}.v`,
        text: `module ${top} (
  input clk,
  input rst,
${fields.map((f) => `  input ${vec(f)}s_axis_${f},`).join('\n')}
  input s_axis_tvalid,
  output s_axis_tready,
${fields.map((f) => `  output ${vec(f)}m_axis_${f},`).join('\n')}
  output m_axis_tvalid,
  input m_axis_tready
);
${regs}
  reg o_v, b_v;
  assign s_axis_tready = !b_v;
  assign m_axis_tvalid = o_v;
${fields.map((f) => `  assign m_axis_${f} = o_${f};`).join('\n')}
  always @(posedge clk) begin
    if (rst) begin
      o_v <= 1'b0;
      b_v <= 1'b0;
    end else if (!o_v || m_axis_tready) begin
      if (b_v) begin
        ${mv('o', 'b')} o_v <= 1'b1; b_v <= 1'b0;
      end else begin
        ${mv('o', 's_axis')} o_v <= s_axis_tvalid;
      end
    end else if (s_axis_tvalid && !b_v) begin
      ${mv('b', 's_axis')} b_v <= 1'b1;
    end
  end
endmodule
`,
      },
    ],
    ports: [
      inp('clk'),
      inp('rst'),
      ...fields.map((f) => inp(`s_axis_${f}`, width[f])),
      inp('s_axis_tvalid'),
      out('s_axis_tready'),
      ...fields.map((f) => out(`m_axis_${f}`, width[f])),
      out('m_axis_tvalid'),
      inp('m_axis_tready'),
    ],
  };
}

/** Counts cycles and calls $finish (or $stop / $fatal) when the count reaches `at`. */
export function stopperSpec(kind: '$finish' | '$stop' | '$fatal', at = 5): ModelSpec {
  const call = kind === '$fatal' ? `$fatal(1, "count reached ${at}")` : `${kind}`;
  const top = `stopper_${kind.slice(1)}`;
  return {
    top,
    files: [
      {
        name: `${top}.v`,
        text: `module ${top} (
  input clk,
  output reg [7:0] n
);
  initial n = 8'd0;
  always @(posedge clk) begin
    n <= n + 8'd1;
    if (n == 8'd${at}) ${call};
  end
endmodule
`,
      },
    ],
    ports: [inp('clk'), out('n', 8)],
  };
}

/** Two clock domains, a counter in each; traced. */
export function twoClockSpec(trace: 'fst' | 'vcd' = 'fst'): ModelSpec {
  return {
    top: 'two_clocks',
    files: [
      {
        name: 'two_clocks.v',
        text: `module two_clocks (
  input clk_a,
  input clk_b,
  output reg [15:0] na,
  output reg [15:0] nb
);
  initial begin
    na = 16'd0;
    nb = 16'd0;
  end
  always @(posedge clk_a) na <= na + 16'd1;
  always @(posedge clk_b) nb <= nb + 16'd1;
endmodule
`,
      },
    ],
    ports: [inp('clk_a'), inp('clk_b'), out('na', 16), out('nb', 16)],
    clocks: [
      { port: 'clk_a', periodPs: 10_000 },
      { port: 'clk_b', periodPs: 15_000 },
    ],
    trace,
  };
}

/** A combinational loop that never settles: Verilator's runtime gives up ("didn't converge"). */
export function oscillatorSpec(): ModelSpec {
  return {
    top: 'oscillator',
    files: [
      {
        name: 'oscillator.v',
        text: `module oscillator (
  input en,
  output y
);
  wire a;
  assign a = en ? ~a : 1'b0;
  assign y = a;
endmodule
`,
      },
    ],
    ports: [inp('en'), out('y')],
  };
}
