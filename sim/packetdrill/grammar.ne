# Grammar of packetdrill scripts (the TCP subset plus recognisable-but-unsupported forms).
#
# Compile with:   npx nearleyc sim/packetdrill/grammar.ne -o sim/packetdrill/grammar.ts
# (or: npx tsx sim/packetdrill/compile-grammar.ts). test/packetdrill/grammar-build.test.ts fails if
# grammar.ts is not the compiler's output for this file.
#
# Tokens come from ./lexer.ts: newlines are significant (one item per line) except inside
# (), [] and {}; whitespace and comments never reach the grammar. Identifiers arrive as %ident,
# %flags (TCP flag words such as S, SEW), %tcpopt (mss, sackOK, ...) or %proto (udp, icmp, ...).
# Semantic checks that need the whole script live in parser.ts.

@preprocessor typescript

@{%
import { lexer } from './lexer.ts';
import * as B from './build.ts';
%}

@lexer lexer

# ---------------------------------------------------------------------------------------------
# Script: a sequence of lines. The lexer collapses blank lines and ends input with a newline.

# Lines are chained as a linked list (parser.ts flattens it): nearley runs postprocessors on every
# completion of a rule, so building an array here (or with :*) would copy it once per line.
# For the same reason packet and syscall rules return thunks (their rules complete again after each
# optional trailing part); a line's AST is built once, when its newline is reached.
main -> null                                  {% () => null %}
      | main line                             {% ([prev, item]) => ({ prev, item }) %}

line -> %option %nl                           {% ([t, nl]) => B.finishItem(B.option(t), nl) %}
      | %directive %nl                        {% ([t, nl]) => B.finishItem(B.directive(t), nl) %}
      | time action %nl                       {% ([t, a, nl]) => B.finishItem(B.event(t, a()), nl) %}
      | %shell %nl                            {% ([t, nl]) => B.finishItem(B.event(null, B.shell(t)), nl) %}
      | %python %nl                           {% ([t, nl]) => B.finishItem(B.event(null, B.python(t)), nl) %}

# ---------------------------------------------------------------------------------------------
# Time: 1.0  +0.1  *  0.1~0.2  +0...0.200

time -> "*"                                   {% ([t]) => B.timeAny(t) %}
      | timePoint                             {% ([p]) => B.timeAt(p) %}
      | timePoint "~" timePoint               {% ([a, , b]) => B.timeSpan('range', a, b) %}
      | timePoint "..." timePoint             {% ([a, , b]) => B.timeSpan('blocking', a, b) %}

timePoint -> "+":? seconds                    {% ([plus, n]) => B.timePoint(plus, n) %}

seconds -> %int {% id %} | %decimal {% id %}

action -> packet                              {% id %}
        | syscall                             {% id %}
        | %shell                              {% ([t]) => () => B.shell(t) %}
        | %python                             {% ([t]) => () => B.python(t) %}

# ---------------------------------------------------------------------------------------------
# Packets: < S 0:0(0) win 65535 <mss 1460,sackOK,eol,eol>     > udp (1000)

packet -> direction ipGroup:* tcpBody ipGroup:*   {% ([d, pre, body, post]) => () => B.packet(d, pre, body(), post) %}
        | direction ipGroup:* %proto lineTok:*    {% ([d, pre, p, rest]) => () => B.packet(d, pre, B.otherPacket(p, rest), []) %}

direction -> "<" {% id %} | ">" {% id %}

# [ect0]  (tos 0x2)  [ipv4 ...]: kept as text; parser/classifier interpret them.
ipGroup -> "[" bracketTok:* "]"               {% ([o, inner]) => B.ipGroup(o, inner) %}
         | "(" parenTok:* ")"                 {% ([o, inner]) => B.ipGroup(o, inner) %}

tcpBody -> tcpFlags seqSpec tcpField:* tcpOptions:?
                                              {% ([f, s, fields, opts]) => () => B.tcpPacket(f, s, fields, opts) %}

tcpFlags -> %flags                            {% ([w]) => B.tcpFlags(w, null) %}
          | %flags "."                        {% ([w, dot]) => B.tcpFlags(w, dot) %}
          | "."                               {% ([dot]) => B.tcpFlags(null, dot) %}

seqSpec -> %int ":" %int "(" %int ")"         {% ([s, , e, , l]) => B.seqRange(s, e, l) %}
         | "..." "(" %int ")"                 {% ([, , l]) => B.seqAny(l) %}

tcpField -> "ack" %int                        {% ([n, v]) => B.field(n, v) %}
          | "win" %int                        {% ([n, v]) => B.field(n, v) %}
          | "urg" %int                        {% ([n, v]) => B.field(n, v) %}

tcpOptions -> "<" "..." ">"                   {% () => ({ kind: 'any' }) %}
            | "<" ">"                         {% () => ({ kind: 'list', options: [] }) %}
            | "<" tcpOption ("," tcpOption):* ">"
                                              {% ([, first, rest]) => B.optionList(first, rest) %}

tcpOption -> "nop"                            {% ([n]) => B.tcpOption(n, []) %}
           | "eol"                            {% ([n]) => B.tcpOption(n, []) %}
           | "sackOK"                         {% ([n]) => B.tcpOption(n, []) %}
           | "mss" %int                       {% ([n, v]) => B.tcpOption(n, [v]) %}
           | "wscale" %int                    {% ([n, v]) => B.tcpOption(n, [v]) %}
           | "sack" sackBlock:*               {% ([n, blocks]) => B.tcpOption(n, blocks) %}
           | "TS" "val" %int "ecr" %int       {% ([n, , v, , e]) => B.tcpOption(n, [v, e]) %}
           | "FO" optTok:*                    {% ([n, rest]) => B.tcpOption(n, rest) %}
           | "FOEXP" optTok:*                 {% ([n, rest]) => B.tcpOption(n, rest) %}
           | %ident optTok:*                  {% ([n, rest]) => B.tcpOption(n, rest) %}

sackBlock -> %int ":" %int

# ---------------------------------------------------------------------------------------------
# System calls: connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)

syscall -> name "(" exprList:? ")" "=" retval name:? note:?
                                              {% ([n, , args, , , v, errno, nt]) => () => B.syscall(n, args, B.result(v, errno, nt)) %}

retval -> %int                                {% ([t]) => B.intExpr(t) %}
        | "-" %int                            {% ([m, t]) => B.intExpr(t, m) %}
        | %hex                                {% ([t]) => B.intExpr(t) %}
        | "-" %hex                            {% ([m, t]) => B.intExpr(t, m) %}
        | "..."                               {% () => ({ kind: 'ellipsis' }) %}
        | name                                {% ([t]) => B.ident(t) %}

note -> "(" parenTok:* ")"                    {% ([, inner]) => B.note(inner) %}

exprList -> expr ("," expr):*                 {% ([first, rest]) => B.list(first, rest) %}

expr -> expr "|" unary                        {% ([l, , r]) => ({ kind: 'binary', op: '|', left: l, right: r }) %}
      | unary                                 {% id %}

unary -> "&" unary                            {% ([, e]) => ({ kind: 'addressOf', operand: e }) %}
       | "-" %int                             {% ([m, t]) => B.intExpr(t, m) %}
       | "-" %hex                             {% ([m, t]) => B.intExpr(t, m) %}
       | "-" %decimal                         {% ([m, t]) => B.numberExpr(t, m) %}
       | primary                              {% id %}

primary -> %int                               {% ([t]) => B.intExpr(t) %}
         | %hex                               {% ([t]) => B.intExpr(t) %}
         | %decimal                           {% ([t]) => B.numberExpr(t) %}
         | %string                            {% ([t]) => B.stringExpr(t) %}
         | "..."                              {% () => ({ kind: 'ellipsis' }) %}
         | name                               {% ([t]) => B.ident(t) %}
         | name "(" exprList:? ")"            {% ([n, , args]) => ({ kind: 'call', callee: n.value, args: args ?? [] }) %}
         | "[" exprList:? "]"                 {% ([, els]) => ({ kind: 'array', elements: els ?? [] }) %}
         | "{" fieldList:? "}"                {% ([, fs]) => ({ kind: 'struct', fields: fs ?? [] }) %}

fieldList -> structField ("," structField):*  {% ([first, rest]) => B.list(first, rest) %}

structField -> expr                           {% ([e]) => B.structField(null, null, e) %}
             | name "=" expr                  {% ([n, , e]) => B.structField(n, null, e) %}
             | name "(" exprList:? ")" "=" expr
                                              {% ([n, , a, , , e]) => B.structField(n, a ?? [], e) %}

name -> %ident {% id %} | %flags {% id %} | %tcpopt {% id %} | %proto {% id %}

# ---------------------------------------------------------------------------------------------
# Token classes for free-form text (unsupported packet bodies, ip groups, errno notes).

atom -> %string | %hex | %decimal | %int | "..." | name | %python | %shell | %option | %directive
      | ":" | "=" | "+" | "-" | "*" | "~" | "|" | "&" | "." | %other

# anything inside (...) of a note or ip group
parenTok -> atom | "," | "<" | ">" | "[" | "]" | "{" | "}"
# anything inside [...] of an ip group
bracketTok -> atom | "," | "<" | ">" | "(" | ")" | "{" | "}"
# arguments of an unrecognised TCP option, up to the next ',' or '>'
optTok -> atom | "<" | "(" | ")" | "[" | "]" | "{" | "}"
# the rest of a non-TCP packet line
lineTok -> atom | "," | "<" | ">" | "(" | ")" | "[" | "]" | "{" | "}"
