// Names from the designer's source: the TS variable or property a signal is bound to, found with ts-morph.
import { Project, Node, SyntaxKind, type SourceFile } from 'ts-morph';
import type { SrcLoc } from './ir.ts';

let project: Project | undefined;
const files = new Map<string, SourceFile | null>();
const cache = new Map<string, string | null>();

function sourceFile(file: string): SourceFile | undefined {
  let sf = files.get(file);
  if (sf === undefined) {
    project ??= new Project({ useInMemoryFileSystem: false, skipAddingFilesFromTsConfig: true, skipFileDependencyResolution: true, compilerOptions: { allowJs: true } });
    try { sf = project.addSourceFileAtPath(file); } catch { sf = null; }
    files.set(file, sf);
  }
  return sf ?? undefined;
}

/** Drops parsed sources (e.g. after a file changed on disk in a long-running process). */
export function clearNameCache() { files.clear(); cache.clear(); project = undefined; }

const transparent = new Set([SyntaxKind.ParenthesizedExpression, SyntaxKind.AsExpression, SyntaxKind.NonNullExpression,
  SyntaxKind.SatisfiesExpression, SyntaxKind.TypeAssertionExpression]);

/**
 * The name a value created by the call at `loc` is bound to: `const sum = a.add(b)` names it `sum`;
 * `{ count: m.reg(...) }` in `const regs = ...` names it `regs_count`; `this.x = ...` names it `x`.
 * Undefined when the call is not directly bound (an intermediate of a larger expression).
 */
export function nameAt(loc: SrcLoc | undefined): string | undefined {
  if (!loc) return undefined;
  const key = `${loc.file}:${loc.line}:${loc.col}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit ?? undefined;
  let name: string | undefined;
  try { name = resolve(loc); } catch { name = undefined; }
  cache.set(key, name ?? null);
  return name;
}

function resolve(loc: SrcLoc): string | undefined {
  const sf = sourceFile(loc.file);
  if (!sf) return undefined;
  const pos = sf.compilerNode.getPositionOfLineAndCharacter(loc.line - 1, loc.col - 1);
  let node: Node | undefined = sf.getDescendantAtPos(pos);
  // Climb to the call (or new) expression the stack frame points into.
  while (node && !Node.isCallExpression(node) && !Node.isNewExpression(node)) node = node.getParent();
  if (!node) return undefined;
  let expr: Node = node;
  // Method chains a.b().c(): V8 points at the last property; climb only while we stay the result.
  for (let p = expr.getParent(); p && transparent.has(p.getKind()); p = p.getParent()) expr = p;
  return bindingName(expr);
}

function bindingName(expr: Node): string | undefined {
  const p = expr.getParent();
  if (!p) return undefined;
  if (Node.isVariableDeclaration(p) && p.getInitializer() === expr) {
    const n = p.getNameNode();
    return Node.isIdentifier(n) ? n.getText() : undefined;
  }
  if (Node.isPropertyAssignment(p) && p.getInitializer() === expr) {
    const own = propName(p.getNameNode());
    if (!own) return undefined;
    const obj = p.getParent();
    const outer = obj ? bindingName(climb(obj)) : undefined;
    return outer ? `${outer}_${own}` : own;
  }
  if (Node.isPropertyDeclaration(p) && p.getInitializer() === expr) return propName(p.getNameNode());
  if (Node.isBinaryExpression(p) && p.getOperatorToken().getKind() === SyntaxKind.EqualsToken && p.getRight() === expr) {
    const l = p.getLeft();
    if (Node.isIdentifier(l)) return l.getText();
    if (Node.isPropertyAccessExpression(l)) return l.getName();
  }
  if (Node.isArrayLiteralExpression(p)) {
    const outer = bindingName(climb(p));
    return outer ? `${outer}_${p.getElements().indexOf(expr as never)}` : undefined;
  }
  return undefined;
}

function climb(n: Node): Node {
  let e = n;
  for (let p = e.getParent(); p && transparent.has(p.getKind()); p = p.getParent()) e = p;
  return e;
}

function propName(n: Node): string | undefined {
  if (Node.isIdentifier(n) || Node.isPrivateIdentifier(n)) return n.getText().replace(/^#/, '');
  if (Node.isStringLiteral(n)) return n.getLiteralValue();
  return undefined;
}
