// The language's constructs, checked through the Verilog they produce.
import { describe, it, expect } from 'vitest';
import {
  defineModule, elaborate, input, output, UInt, SInt, Bool, Struct, Vec, Stream, AxiLite, when, switchOn, fsm,
  blackbox, cat, mux, type ModuleDef,
} from '../../dsl/index.ts';
import { emitDesign } from '../../gen/verilog.ts';

const verilog = <P, IO>(def: ModuleDef<P, IO>, params?: Partial<P>) =>
  emitDesign(elaborate(def, params)).map((f) => f.text).join('\n');

describe('names come from the TypeScript source', () => {
  it('uses variable names, struct paths and object properties; collisions get suffixes', () => {
    const Named = defineModule('named', (m) => {
      const io = m.io({ a: input(UInt(8)), b: input(UInt(8)), y: output(UInt(9)), z: output(UInt(8)) });
      const total = io.a.addWide(io.b);
      const state = m.reg(Struct({ lo: UInt(4), hi: UInt(4) }), { reset: { lo: 0, hi: 0 } });
      state.lo.set(io.a.slice(3, 0));
      state.hi.set(io.a.slice(7, 4));
      const regs = { scratch: m.reg(UInt(8), { reset: 0 }) };
      regs.scratch.set(cat(state.hi, state.lo));
      const make = () => { const tmp = io.a.xor(io.b); return tmp; };
      const x1 = make(); const x2 = make();
      const explicit = x1.and(x2).named('my_and');
      io.y.set(total);
      io.z.set(explicit.or(regs.scratch));
      return io;
    });
    const v = verilog(Named);
    expect(v).toMatch(/wire \[8:0\] total = /);
    expect(v).toMatch(/reg \[3:0\] state_lo;/);
    expect(v).toMatch(/reg \[3:0\] state_hi;/);
    expect(v).toMatch(/reg \[7:0\] regs_scratch;/);
    expect(v).toMatch(/wire \[7:0\] tmp = \(a \^ b\);/);
    expect(v).toMatch(/wire \[7:0\] tmp_1 = \(a \^ b\);/);
    expect(v).toMatch(/wire \[7:0\] my_and = \(tmp & tmp_1\);/);
    expect(v).toMatch(/\/\/ test\/dsl\/language\.test\.ts:\d+/);
  });

  it('the same generator with the same parameters is emitted once; different ones get distinct names', () => {
    const Leaf = defineModule('leaf', (m, p: { width: number }) => {
      const io = m.io({ a: input(UInt(p.width)), q: output(UInt(p.width)) });
      io.q.set(io.a.not());
      return io;
    }, { width: 8 });
    const Top = defineModule('top', (m) => {
      const io = m.io({ a: input(UInt(8)), b: input(UInt(16)), q: output(UInt(8)), r: output(UInt(16)) });
      const first = m.instance(Leaf);
      const second = m.instance(Leaf, { width: 8 });
      const wide = m.instance(Leaf, { width: 16 });
      first.a.set(io.a); second.a.set(first.q); wide.a.set(io.b);
      io.q.set(second.q); io.r.set(wide.q);
      return io;
    });
    const d = elaborate(Top);
    expect(d.modules.map((m) => m.name)).toEqual(['leaf_width8', 'leaf_width16', 'top']);
    const v = emitDesign(d).find((f) => f.module === 'top')!.text;
    expect(v).toMatch(/leaf_width8 first \(/);
    expect(v).toMatch(/leaf_width8 second \(/);
    expect(v).toMatch(/leaf_width16 wide \(/);
    expect(v).toMatch(/\.a\(first_a\)/);
  });
});

describe('types and interfaces flatten to readable ports', () => {
  it('structs, vectors, streams (with a flipped tready) and AXI4-Lite', () => {
    const Hdr = Struct({ src: UInt(16), dst: UInt(16), flags: Struct({ syn: Bool, ack: Bool }) });
    const Ports = defineModule('ports', (m) => {
      const io = m.io({
        hdr: input(Hdr), lanes: input(Vec(UInt(4), 3)),
        sink: input(Stream(64, { user: 2 })), source: output(Stream(64, { user: 2 })),
        csr: input(AxiLite(8)), out: output(UInt(16)),
      });
      io.sink.tready.set(io.source.tready);
      io.source.tdata.set(io.sink.tdata);
      io.source.tkeep!.set(io.sink.tkeep!);
      io.source.tlast!.set(io.sink.tlast!);
      io.source.tuser!.set(io.sink.tuser!);
      io.source.tvalid.set(io.sink.tvalid);
      io.csr.awready.set(0); io.csr.wready.set(0); io.csr.bresp.set(0); io.csr.bvalid.set(0);
      io.csr.arready.set(1); io.csr.rdata.set(io.csr.araddr.zext(32)); io.csr.rresp.set(0); io.csr.rvalid.set(io.csr.arvalid);
      io.out.set(mux(io.hdr.flags.syn.land(io.hdr.flags.ack), io.hdr.src, io.hdr.dst.xor(cat(io.lanes[0]!, io.lanes[1]!, io.lanes[2]!).zext(16))));
      return io;
    });
    const v = verilog(Ports);
    for (const p of ['input  wire \\[15:0\\] hdr_src', 'input  wire        hdr_flags_syn', 'input  wire \\[3:0\\]  lanes_2',
      'input  wire \\[63:0\\] sink_tdata', 'input  wire \\[7:0\\]  sink_tkeep', 'output wire        sink_tready',
      'output wire \\[63:0\\] source_tdata', 'input  wire        source_tready', 'output wire \\[1:0\\]  source_tuser',
      'input  wire \\[7:0\\]  csr_awaddr', 'output wire        csr_awready', 'output wire \\[31:0\\] csr_rdata']) {
      expect(v).toMatch(new RegExp(p));
    }
  });
});

describe('control', () => {
  it('switch with a default, and an FSM with localparam states', () => {
    const Ctl = defineModule('ctl', (m) => {
      const io = m.io({ sel: input(UInt(2)), go: input(Bool), y: output(UInt(8)), busy: output(Bool) });
      const picked = m.wire(UInt(8));
      switchOn(io.sel).is(0, () => picked.set(10)).is([1, 2], () => picked.set(20)).default(() => picked.set(30));
      const machine = fsm(['IDLE', 'RUN', 'DONE'] as const);
      machine.switch({
        IDLE: () => when(io.go, () => machine.goto('RUN')),
        RUN: () => machine.goto('DONE'),
        DONE: () => machine.goto('IDLE'),
      });
      io.y.set(picked);
      io.busy.set(machine.is('IDLE').lnot());
      return io;
    });
    const v = verilog(Ctl);
    expect(v).toMatch(/localparam \[1:0\] IDLE = 2'd0;/);
    expect(v).toMatch(/localparam \[1:0\] RUN = 2'd1;/);
    expect(v).toMatch(/reg \[1:0\] machine;/);
    expect(v).toMatch(/machine <= IDLE;/);
    expect(v).toMatch(/\(machine == RUN\)/);
  });

  it('a switch that enumerates every value needs no default', () => {
    expect(() => elaborate(defineModule('full', (m) => {
      const io = m.io({ sel: input(UInt(1)), y: output(UInt(8)) });
      const picked = m.wire(UInt(8));
      switchOn(io.sel).is(0, () => picked.set(1)).is(1, () => picked.set(2));
      io.y.set(picked);
      return io;
    }))).not.toThrow();
  });
});

describe('signed arithmetic is emitted with $signed where it matters', () => {
  it('compare, arithmetic shift and sign extension', () => {
    const S = defineModule('signed_ops', (m) => {
      const io = m.io({ a: input(SInt(8)), b: input(SInt(8)), lt: output(Bool), sh: output(SInt(8)), ext: output(SInt(12)) });
      io.lt.set(io.a.lt(io.b));
      io.sh.set(io.a.shr(2));
      io.ext.set(io.a.sext(12));
      return io;
    });
    const v = verilog(S);
    expect(v).toMatch(/\(\$signed\(a\) < \$signed\(b\)\)/);
    expect(v).toMatch(/\$signed\(a\) >>> 2/);
    expect(v).toMatch(/\{\{4\{a\[7\]\}\}, a\}/);
  });
});

describe('blackbox', () => {
  it('imports external Verilog with declared ports', () => {
    const Ext = blackbox('ext_inv', { a: input(UInt(4)), y: output(UInt(4)) },
      'module ext_inv (input wire [3:0] a, output wire [3:0] y);\n  assign y = ~a;\nendmodule\n');
    const Top = defineModule('bb_top', (m) => {
      const io = m.io({ a: input(UInt(4)), y: output(UInt(4)) });
      const inv = m.instance(Ext);
      inv.a.set(io.a);
      io.y.set(inv.y);
      return io;
    });
    const files = emitDesign(elaborate(Top));
    expect(files.map((f) => f.name)).toEqual(['ext_inv.v', 'bb_top.v']);
    expect(files[0]!.text).toContain('assign y = ~a;');
    expect(files[1]!.text).toMatch(/ext_inv inv \(/);
  });
});
