// Generated automatically by nearley, version 2.20.1
// http://github.com/Hardmath123/nearley
// Bypasses TS6133. Allow declared but unused functions.
// @ts-ignore
function id(d: any[]): any { return d[0]; }
declare var option: any;
declare var nl: any;
declare var directive: any;
declare var shell: any;
declare var python: any;
declare var int: any;
declare var decimal: any;
declare var proto: any;
declare var flags: any;
declare var ident: any;
declare var hex: any;
declare var string: any;
declare var tcpopt: any;
declare var other: any;

import { lexer } from './lexer.ts';
import * as B from './build.ts';

interface NearleyToken {
  value: any;
  [key: string]: any;
};

interface NearleyLexer {
  reset: (chunk: string, info: any) => void;
  next: () => NearleyToken | undefined;
  save: () => any;
  formatError: (token: never) => string;
  has: (tokenType: string) => boolean;
};

interface NearleyRule {
  name: string;
  symbols: NearleySymbol[];
  postprocess?: (d: any[], loc?: number, reject?: {}) => any;
};

type NearleySymbol = string | { literal: any } | { test: (token: any) => boolean };

interface Grammar {
  Lexer: NearleyLexer | undefined;
  ParserRules: NearleyRule[];
  ParserStart: string;
};

const grammar: Grammar = {
  Lexer: lexer,
  ParserRules: [
    {"name": "main", "symbols": [], "postprocess": () => null},
    {"name": "main", "symbols": ["main", "line"], "postprocess": ([prev, item]) => ({ prev, item })},
    {"name": "line", "symbols": [(lexer.has("option") ? {type: "option"} : option), (lexer.has("nl") ? {type: "nl"} : nl)], "postprocess": ([t, nl]) => B.finishItem(B.option(t), nl)},
    {"name": "line", "symbols": [(lexer.has("directive") ? {type: "directive"} : directive), (lexer.has("nl") ? {type: "nl"} : nl)], "postprocess": ([t, nl]) => B.finishItem(B.directive(t), nl)},
    {"name": "line", "symbols": ["time", "action", (lexer.has("nl") ? {type: "nl"} : nl)], "postprocess": ([t, a, nl]) => B.finishItem(B.event(t, a()), nl)},
    {"name": "line", "symbols": [(lexer.has("shell") ? {type: "shell"} : shell), (lexer.has("nl") ? {type: "nl"} : nl)], "postprocess": ([t, nl]) => B.finishItem(B.event(null, B.shell(t)), nl)},
    {"name": "line", "symbols": [(lexer.has("python") ? {type: "python"} : python), (lexer.has("nl") ? {type: "nl"} : nl)], "postprocess": ([t, nl]) => B.finishItem(B.event(null, B.python(t)), nl)},
    {"name": "time", "symbols": [{"literal":"*"}], "postprocess": ([t]) => B.timeAny(t)},
    {"name": "time", "symbols": ["timePoint"], "postprocess": ([p]) => B.timeAt(p)},
    {"name": "time", "symbols": ["timePoint", {"literal":"~"}, "timePoint"], "postprocess": ([a, , b]) => B.timeSpan('range', a, b)},
    {"name": "time", "symbols": ["timePoint", {"literal":"..."}, "timePoint"], "postprocess": ([a, , b]) => B.timeSpan('blocking', a, b)},
    {"name": "timePoint$ebnf$1", "symbols": [{"literal":"+"}], "postprocess": id},
    {"name": "timePoint$ebnf$1", "symbols": [], "postprocess": () => null},
    {"name": "timePoint", "symbols": ["timePoint$ebnf$1", "seconds"], "postprocess": ([plus, n]) => B.timePoint(plus, n)},
    {"name": "seconds", "symbols": [(lexer.has("int") ? {type: "int"} : int)], "postprocess": id},
    {"name": "seconds", "symbols": [(lexer.has("decimal") ? {type: "decimal"} : decimal)], "postprocess": id},
    {"name": "action", "symbols": ["packet"], "postprocess": id},
    {"name": "action", "symbols": ["syscall"], "postprocess": id},
    {"name": "action", "symbols": [(lexer.has("shell") ? {type: "shell"} : shell)], "postprocess": ([t]) => () => B.shell(t)},
    {"name": "action", "symbols": [(lexer.has("python") ? {type: "python"} : python)], "postprocess": ([t]) => () => B.python(t)},
    {"name": "packet$ebnf$1", "symbols": []},
    {"name": "packet$ebnf$1", "symbols": ["packet$ebnf$1", "ipGroup"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "packet$ebnf$2", "symbols": []},
    {"name": "packet$ebnf$2", "symbols": ["packet$ebnf$2", "ipGroup"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "packet", "symbols": ["direction", "packet$ebnf$1", "tcpBody", "packet$ebnf$2"], "postprocess": ([d, pre, body, post]) => () => B.packet(d, pre, body(), post)},
    {"name": "packet$ebnf$3", "symbols": []},
    {"name": "packet$ebnf$3", "symbols": ["packet$ebnf$3", "ipGroup"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "packet$ebnf$4", "symbols": []},
    {"name": "packet$ebnf$4", "symbols": ["packet$ebnf$4", "lineTok"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "packet", "symbols": ["direction", "packet$ebnf$3", (lexer.has("proto") ? {type: "proto"} : proto), "packet$ebnf$4"], "postprocess": ([d, pre, p, rest]) => () => B.packet(d, pre, B.otherPacket(p, rest), [])},
    {"name": "direction", "symbols": [{"literal":"<"}], "postprocess": id},
    {"name": "direction", "symbols": [{"literal":">"}], "postprocess": id},
    {"name": "ipGroup$ebnf$1", "symbols": []},
    {"name": "ipGroup$ebnf$1", "symbols": ["ipGroup$ebnf$1", "bracketTok"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "ipGroup", "symbols": [{"literal":"["}, "ipGroup$ebnf$1", {"literal":"]"}], "postprocess": ([o, inner]) => B.ipGroup(o, inner)},
    {"name": "ipGroup$ebnf$2", "symbols": []},
    {"name": "ipGroup$ebnf$2", "symbols": ["ipGroup$ebnf$2", "parenTok"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "ipGroup", "symbols": [{"literal":"("}, "ipGroup$ebnf$2", {"literal":")"}], "postprocess": ([o, inner]) => B.ipGroup(o, inner)},
    {"name": "tcpBody$ebnf$1", "symbols": []},
    {"name": "tcpBody$ebnf$1", "symbols": ["tcpBody$ebnf$1", "tcpField"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "tcpBody$ebnf$2", "symbols": ["tcpOptions"], "postprocess": id},
    {"name": "tcpBody$ebnf$2", "symbols": [], "postprocess": () => null},
    {"name": "tcpBody", "symbols": ["tcpFlags", "seqSpec", "tcpBody$ebnf$1", "tcpBody$ebnf$2"], "postprocess": ([f, s, fields, opts]) => () => B.tcpPacket(f, s, fields, opts)},
    {"name": "tcpFlags", "symbols": [(lexer.has("flags") ? {type: "flags"} : flags)], "postprocess": ([w]) => B.tcpFlags(w, null)},
    {"name": "tcpFlags", "symbols": [(lexer.has("flags") ? {type: "flags"} : flags), {"literal":"."}], "postprocess": ([w, dot]) => B.tcpFlags(w, dot)},
    {"name": "tcpFlags", "symbols": [{"literal":"."}], "postprocess": ([dot]) => B.tcpFlags(null, dot)},
    {"name": "seqSpec", "symbols": [(lexer.has("int") ? {type: "int"} : int), {"literal":":"}, (lexer.has("int") ? {type: "int"} : int), {"literal":"("}, (lexer.has("int") ? {type: "int"} : int), {"literal":")"}], "postprocess": ([s, , e, , l]) => B.seqRange(s, e, l)},
    {"name": "seqSpec", "symbols": [{"literal":"..."}, {"literal":"("}, (lexer.has("int") ? {type: "int"} : int), {"literal":")"}], "postprocess": ([, , l]) => B.seqAny(l)},
    {"name": "tcpField", "symbols": [{"literal":"ack"}, (lexer.has("int") ? {type: "int"} : int)], "postprocess": ([n, v]) => B.field(n, v)},
    {"name": "tcpField", "symbols": [{"literal":"win"}, (lexer.has("int") ? {type: "int"} : int)], "postprocess": ([n, v]) => B.field(n, v)},
    {"name": "tcpField", "symbols": [{"literal":"urg"}, (lexer.has("int") ? {type: "int"} : int)], "postprocess": ([n, v]) => B.field(n, v)},
    {"name": "tcpOptions", "symbols": [{"literal":"<"}, {"literal":"..."}, {"literal":">"}], "postprocess": () => ({ kind: 'any' })},
    {"name": "tcpOptions", "symbols": [{"literal":"<"}, {"literal":">"}], "postprocess": () => ({ kind: 'list', options: [] })},
    {"name": "tcpOptions$ebnf$1", "symbols": []},
    {"name": "tcpOptions$ebnf$1$subexpression$1", "symbols": [{"literal":","}, "tcpOption"]},
    {"name": "tcpOptions$ebnf$1", "symbols": ["tcpOptions$ebnf$1", "tcpOptions$ebnf$1$subexpression$1"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "tcpOptions", "symbols": [{"literal":"<"}, "tcpOption", "tcpOptions$ebnf$1", {"literal":">"}], "postprocess": ([, first, rest]) => B.optionList(first, rest)},
    {"name": "tcpOption", "symbols": [{"literal":"nop"}], "postprocess": ([n]) => B.tcpOption(n, [])},
    {"name": "tcpOption", "symbols": [{"literal":"eol"}], "postprocess": ([n]) => B.tcpOption(n, [])},
    {"name": "tcpOption", "symbols": [{"literal":"sackOK"}], "postprocess": ([n]) => B.tcpOption(n, [])},
    {"name": "tcpOption", "symbols": [{"literal":"mss"}, (lexer.has("int") ? {type: "int"} : int)], "postprocess": ([n, v]) => B.tcpOption(n, [v])},
    {"name": "tcpOption", "symbols": [{"literal":"wscale"}, (lexer.has("int") ? {type: "int"} : int)], "postprocess": ([n, v]) => B.tcpOption(n, [v])},
    {"name": "tcpOption$ebnf$1", "symbols": []},
    {"name": "tcpOption$ebnf$1", "symbols": ["tcpOption$ebnf$1", "sackBlock"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "tcpOption", "symbols": [{"literal":"sack"}, "tcpOption$ebnf$1"], "postprocess": ([n, blocks]) => B.tcpOption(n, blocks)},
    {"name": "tcpOption", "symbols": [{"literal":"TS"}, {"literal":"val"}, (lexer.has("int") ? {type: "int"} : int), {"literal":"ecr"}, (lexer.has("int") ? {type: "int"} : int)], "postprocess": ([n, , v, , e]) => B.tcpOption(n, [v, e])},
    {"name": "tcpOption$ebnf$2", "symbols": []},
    {"name": "tcpOption$ebnf$2", "symbols": ["tcpOption$ebnf$2", "optTok"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "tcpOption", "symbols": [{"literal":"FO"}, "tcpOption$ebnf$2"], "postprocess": ([n, rest]) => B.tcpOption(n, rest)},
    {"name": "tcpOption$ebnf$3", "symbols": []},
    {"name": "tcpOption$ebnf$3", "symbols": ["tcpOption$ebnf$3", "optTok"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "tcpOption", "symbols": [{"literal":"FOEXP"}, "tcpOption$ebnf$3"], "postprocess": ([n, rest]) => B.tcpOption(n, rest)},
    {"name": "tcpOption$ebnf$4", "symbols": []},
    {"name": "tcpOption$ebnf$4", "symbols": ["tcpOption$ebnf$4", "optTok"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "tcpOption", "symbols": [(lexer.has("ident") ? {type: "ident"} : ident), "tcpOption$ebnf$4"], "postprocess": ([n, rest]) => B.tcpOption(n, rest)},
    {"name": "sackBlock", "symbols": [(lexer.has("int") ? {type: "int"} : int), {"literal":":"}, (lexer.has("int") ? {type: "int"} : int)]},
    {"name": "syscall$ebnf$1", "symbols": ["exprList"], "postprocess": id},
    {"name": "syscall$ebnf$1", "symbols": [], "postprocess": () => null},
    {"name": "syscall$ebnf$2", "symbols": ["name"], "postprocess": id},
    {"name": "syscall$ebnf$2", "symbols": [], "postprocess": () => null},
    {"name": "syscall$ebnf$3", "symbols": ["note"], "postprocess": id},
    {"name": "syscall$ebnf$3", "symbols": [], "postprocess": () => null},
    {"name": "syscall", "symbols": ["name", {"literal":"("}, "syscall$ebnf$1", {"literal":")"}, {"literal":"="}, "retval", "syscall$ebnf$2", "syscall$ebnf$3"], "postprocess": ([n, , args, , , v, errno, nt]) => () => B.syscall(n, args, B.result(v, errno, nt))},
    {"name": "retval", "symbols": [(lexer.has("int") ? {type: "int"} : int)], "postprocess": ([t]) => B.intExpr(t)},
    {"name": "retval", "symbols": [{"literal":"-"}, (lexer.has("int") ? {type: "int"} : int)], "postprocess": ([m, t]) => B.intExpr(t, m)},
    {"name": "retval", "symbols": [(lexer.has("hex") ? {type: "hex"} : hex)], "postprocess": ([t]) => B.intExpr(t)},
    {"name": "retval", "symbols": [{"literal":"-"}, (lexer.has("hex") ? {type: "hex"} : hex)], "postprocess": ([m, t]) => B.intExpr(t, m)},
    {"name": "retval", "symbols": [{"literal":"..."}], "postprocess": () => ({ kind: 'ellipsis' })},
    {"name": "retval", "symbols": ["name"], "postprocess": ([t]) => B.ident(t)},
    {"name": "note$ebnf$1", "symbols": []},
    {"name": "note$ebnf$1", "symbols": ["note$ebnf$1", "parenTok"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "note", "symbols": [{"literal":"("}, "note$ebnf$1", {"literal":")"}], "postprocess": ([, inner]) => B.note(inner)},
    {"name": "exprList$ebnf$1", "symbols": []},
    {"name": "exprList$ebnf$1$subexpression$1", "symbols": [{"literal":","}, "expr"]},
    {"name": "exprList$ebnf$1", "symbols": ["exprList$ebnf$1", "exprList$ebnf$1$subexpression$1"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "exprList", "symbols": ["expr", "exprList$ebnf$1"], "postprocess": ([first, rest]) => B.list(first, rest)},
    {"name": "expr", "symbols": ["expr", {"literal":"|"}, "unary"], "postprocess": ([l, , r]) => ({ kind: 'binary', op: '|', left: l, right: r })},
    {"name": "expr", "symbols": ["unary"], "postprocess": id},
    {"name": "unary", "symbols": [{"literal":"&"}, "unary"], "postprocess": ([, e]) => ({ kind: 'addressOf', operand: e })},
    {"name": "unary", "symbols": [{"literal":"-"}, (lexer.has("int") ? {type: "int"} : int)], "postprocess": ([m, t]) => B.intExpr(t, m)},
    {"name": "unary", "symbols": [{"literal":"-"}, (lexer.has("hex") ? {type: "hex"} : hex)], "postprocess": ([m, t]) => B.intExpr(t, m)},
    {"name": "unary", "symbols": [{"literal":"-"}, (lexer.has("decimal") ? {type: "decimal"} : decimal)], "postprocess": ([m, t]) => B.numberExpr(t, m)},
    {"name": "unary", "symbols": ["primary"], "postprocess": id},
    {"name": "primary", "symbols": [(lexer.has("int") ? {type: "int"} : int)], "postprocess": ([t]) => B.intExpr(t)},
    {"name": "primary", "symbols": [(lexer.has("hex") ? {type: "hex"} : hex)], "postprocess": ([t]) => B.intExpr(t)},
    {"name": "primary", "symbols": [(lexer.has("decimal") ? {type: "decimal"} : decimal)], "postprocess": ([t]) => B.numberExpr(t)},
    {"name": "primary", "symbols": [(lexer.has("string") ? {type: "string"} : string)], "postprocess": ([t]) => B.stringExpr(t)},
    {"name": "primary", "symbols": [{"literal":"..."}], "postprocess": () => ({ kind: 'ellipsis' })},
    {"name": "primary", "symbols": ["name"], "postprocess": ([t]) => B.ident(t)},
    {"name": "primary$ebnf$1", "symbols": ["exprList"], "postprocess": id},
    {"name": "primary$ebnf$1", "symbols": [], "postprocess": () => null},
    {"name": "primary", "symbols": ["name", {"literal":"("}, "primary$ebnf$1", {"literal":")"}], "postprocess": ([n, , args]) => ({ kind: 'call', callee: n.value, args: args ?? [] })},
    {"name": "primary$ebnf$2", "symbols": ["exprList"], "postprocess": id},
    {"name": "primary$ebnf$2", "symbols": [], "postprocess": () => null},
    {"name": "primary", "symbols": [{"literal":"["}, "primary$ebnf$2", {"literal":"]"}], "postprocess": ([, els]) => ({ kind: 'array', elements: els ?? [] })},
    {"name": "primary$ebnf$3", "symbols": ["fieldList"], "postprocess": id},
    {"name": "primary$ebnf$3", "symbols": [], "postprocess": () => null},
    {"name": "primary", "symbols": [{"literal":"{"}, "primary$ebnf$3", {"literal":"}"}], "postprocess": ([, fs]) => ({ kind: 'struct', fields: fs ?? [] })},
    {"name": "fieldList$ebnf$1", "symbols": []},
    {"name": "fieldList$ebnf$1$subexpression$1", "symbols": [{"literal":","}, "structField"]},
    {"name": "fieldList$ebnf$1", "symbols": ["fieldList$ebnf$1", "fieldList$ebnf$1$subexpression$1"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "fieldList", "symbols": ["structField", "fieldList$ebnf$1"], "postprocess": ([first, rest]) => B.list(first, rest)},
    {"name": "structField", "symbols": ["expr"], "postprocess": ([e]) => B.structField(null, null, e)},
    {"name": "structField", "symbols": ["name", {"literal":"="}, "expr"], "postprocess": ([n, , e]) => B.structField(n, null, e)},
    {"name": "structField$ebnf$1", "symbols": ["exprList"], "postprocess": id},
    {"name": "structField$ebnf$1", "symbols": [], "postprocess": () => null},
    {"name": "structField", "symbols": ["name", {"literal":"("}, "structField$ebnf$1", {"literal":")"}, {"literal":"="}, "expr"], "postprocess": ([n, , a, , , e]) => B.structField(n, a ?? [], e)},
    {"name": "name", "symbols": [(lexer.has("ident") ? {type: "ident"} : ident)], "postprocess": id},
    {"name": "name", "symbols": [(lexer.has("flags") ? {type: "flags"} : flags)], "postprocess": id},
    {"name": "name", "symbols": [(lexer.has("tcpopt") ? {type: "tcpopt"} : tcpopt)], "postprocess": id},
    {"name": "name", "symbols": [(lexer.has("proto") ? {type: "proto"} : proto)], "postprocess": id},
    {"name": "atom", "symbols": [(lexer.has("string") ? {type: "string"} : string)]},
    {"name": "atom", "symbols": [(lexer.has("hex") ? {type: "hex"} : hex)]},
    {"name": "atom", "symbols": [(lexer.has("decimal") ? {type: "decimal"} : decimal)]},
    {"name": "atom", "symbols": [(lexer.has("int") ? {type: "int"} : int)]},
    {"name": "atom", "symbols": [{"literal":"..."}]},
    {"name": "atom", "symbols": ["name"]},
    {"name": "atom", "symbols": [(lexer.has("python") ? {type: "python"} : python)]},
    {"name": "atom", "symbols": [(lexer.has("shell") ? {type: "shell"} : shell)]},
    {"name": "atom", "symbols": [(lexer.has("option") ? {type: "option"} : option)]},
    {"name": "atom", "symbols": [(lexer.has("directive") ? {type: "directive"} : directive)]},
    {"name": "atom", "symbols": [{"literal":":"}]},
    {"name": "atom", "symbols": [{"literal":"="}]},
    {"name": "atom", "symbols": [{"literal":"+"}]},
    {"name": "atom", "symbols": [{"literal":"-"}]},
    {"name": "atom", "symbols": [{"literal":"*"}]},
    {"name": "atom", "symbols": [{"literal":"~"}]},
    {"name": "atom", "symbols": [{"literal":"|"}]},
    {"name": "atom", "symbols": [{"literal":"&"}]},
    {"name": "atom", "symbols": [{"literal":"."}]},
    {"name": "atom", "symbols": [(lexer.has("other") ? {type: "other"} : other)]},
    {"name": "parenTok", "symbols": ["atom"]},
    {"name": "parenTok", "symbols": [{"literal":","}]},
    {"name": "parenTok", "symbols": [{"literal":"<"}]},
    {"name": "parenTok", "symbols": [{"literal":">"}]},
    {"name": "parenTok", "symbols": [{"literal":"["}]},
    {"name": "parenTok", "symbols": [{"literal":"]"}]},
    {"name": "parenTok", "symbols": [{"literal":"{"}]},
    {"name": "parenTok", "symbols": [{"literal":"}"}]},
    {"name": "bracketTok", "symbols": ["atom"]},
    {"name": "bracketTok", "symbols": [{"literal":","}]},
    {"name": "bracketTok", "symbols": [{"literal":"<"}]},
    {"name": "bracketTok", "symbols": [{"literal":">"}]},
    {"name": "bracketTok", "symbols": [{"literal":"("}]},
    {"name": "bracketTok", "symbols": [{"literal":")"}]},
    {"name": "bracketTok", "symbols": [{"literal":"{"}]},
    {"name": "bracketTok", "symbols": [{"literal":"}"}]},
    {"name": "optTok", "symbols": ["atom"]},
    {"name": "optTok", "symbols": [{"literal":"<"}]},
    {"name": "optTok", "symbols": [{"literal":"("}]},
    {"name": "optTok", "symbols": [{"literal":")"}]},
    {"name": "optTok", "symbols": [{"literal":"["}]},
    {"name": "optTok", "symbols": [{"literal":"]"}]},
    {"name": "optTok", "symbols": [{"literal":"{"}]},
    {"name": "optTok", "symbols": [{"literal":"}"}]},
    {"name": "lineTok", "symbols": ["atom"]},
    {"name": "lineTok", "symbols": [{"literal":","}]},
    {"name": "lineTok", "symbols": [{"literal":"<"}]},
    {"name": "lineTok", "symbols": [{"literal":">"}]},
    {"name": "lineTok", "symbols": [{"literal":"("}]},
    {"name": "lineTok", "symbols": [{"literal":")"}]},
    {"name": "lineTok", "symbols": [{"literal":"["}]},
    {"name": "lineTok", "symbols": [{"literal":"]"}]},
    {"name": "lineTok", "symbols": [{"literal":"{"}]},
    {"name": "lineTok", "symbols": [{"literal":"}"}]}
  ],
  ParserStart: "main",
};

export default grammar;
