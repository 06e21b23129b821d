import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/index.js";

// The layering of docs/architecture.md, checked against the code: every import of src/ is read with
// TypeScript's parser (static, type-only and dynamic), then the folder rules and the absence of
// cycles are checked on the graph.

const SRC = path.join(REPO_ROOT, "src");

interface Import {
  readonly from: string;
  readonly to: string;
  /** `import type …` (no runtime edge) */
  readonly typeOnly: boolean;
  /** `await import(…)` (loaded when the code runs, not when the module loads) */
  readonly dynamic: boolean;
}

function sourceFiles(): string[] {
  return readdirSync(SRC, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => path.relative(SRC, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"))
    .sort();
}

function importsOf(file: string): Import[] {
  const text = readFileSync(path.join(SRC, file), "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: Import[] = [];
  const add = (specifier: string, typeOnly: boolean, dynamic: boolean) => {
    if (!specifier.startsWith(".")) return;
    const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
    found.push({ from: file, to: resolved.replace(/\.js$/, ".ts"), typeOnly, dynamic });
  };
  const visit = (node: ts.Node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const typeOnly = ts.isImportDeclaration(node)
        ? node.importClause?.isTypeOnly === true ||
          (node.importClause?.namedBindings !== undefined &&
            ts.isNamedImports(node.importClause.namedBindings) &&
            node.importClause.name === undefined &&
            node.importClause.namedBindings.elements.length > 0 &&
            node.importClause.namedBindings.elements.every((element) => element.isTypeOnly))
        : node.isTypeOnly;
      add(node.moduleSpecifier.text, typeOnly, false);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      add(node.arguments[0].text, false, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** `provision/apply.ts` → `provision`; `errors.ts` → `errors`; `index.ts` → `index`. */
function folderOf(file: string): string {
  const [first = "", second] = file.split("/");
  return second === undefined ? first.replace(/\.ts$/, "") : first;
}

/** The "Who may import what" table of docs/architecture.md. */
function allowedImports(): Map<string, ReadonlySet<string> | "any"> {
  const doc = readFileSync(path.join(REPO_ROOT, "docs/architecture.md"), "utf8");
  const table = doc.slice(doc.indexOf("## Who may import what"));
  const rules = new Map<string, ReadonlySet<string> | "any">();
  for (const line of table.split("\n")) {
    const match = /^\| `([a-z-]+)` \| (.+) \|$/.exec(line.trim());
    if (match?.[1] === undefined || match[2] === undefined) continue;
    rules.set(
      match[1],
      match[2] === "any" ? "any" : new Set([...match[2].matchAll(/`([a-z-]+)`/g)].map((m) => m[1] ?? "")),
    );
  }
  return rules;
}

/** Strongly connected components with more than one node (or a self-loop): the cycles. */
function cycles(nodes: readonly string[], edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  let index = 0;
  const indexes = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (node: string) => {
    indexes.set(node, index);
    low.set(node, index);
    index++;
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!indexes.has(next)) {
        connect(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) ?? 0, indexes.get(next) ?? 0));
      }
    }
    if (low.get(node) === indexes.get(node)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop();
        if (member === undefined) break;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || edges.get(node)?.has(node) === true) found.push(component.sort());
    }
  };
  for (const node of nodes) if (!indexes.has(node)) connect(node);
  return found;
}

const files = sourceFiles();
const imports = files.flatMap(importsOf);

describe("the layers of docs/architecture.md", () => {
  it("every import resolves to a file of src/", () => {
    expect(
      imports.filter((edge) => !files.includes(edge.to)).map((edge) => `${edge.from} → ${edge.to}`),
    ).toEqual([]);
  });

  it("every folder imports only what the table allows", () => {
    const rules = allowedImports();
    const folders = [...new Set(files.map(folderOf))];
    expect(folders.filter((folder) => !rules.has(folder) && folder !== "errors")).toEqual([]);
    const violations = imports
      .filter((edge) => {
        const from = folderOf(edge.from);
        const to = folderOf(edge.to);
        const allowed = rules.get(from);
        return from !== to && allowed !== "any" && allowed?.has(to) !== true;
      })
      .map((edge) => `${edge.from} → ${edge.to}`);
    expect(violations).toEqual([]);
  });

  it("has no import cycle between files", () => {
    const edges = new Map<string, Set<string>>();
    for (const edge of imports) edges.set(edge.from, (edges.get(edge.from) ?? new Set()).add(edge.to));
    expect(cycles(files, edges)).toEqual([]);
  });

  it("has no import cycle between folders", () => {
    const edges = new Map<string, Set<string>>();
    for (const edge of imports) {
      const from = folderOf(edge.from);
      const to = folderOf(edge.to);
      if (from !== to) edges.set(from, (edges.get(from) ?? new Set()).add(to));
    }
    expect(cycles([...new Set(files.map(folderOf))], edges)).toEqual([]);
  });

  it("loads the emulator only when a local target needs it (never a static import outside the CLI)", () => {
    const eager = imports.filter(
      (edge) =>
        folderOf(edge.to) === "emulator" &&
        folderOf(edge.from) !== "emulator" &&
        folderOf(edge.from) !== "cli" &&
        !edge.dynamic &&
        !edge.typeOnly,
    );
    expect(eager.map((edge) => `${edge.from} → ${edge.to}`)).toEqual([]);
  });

  it("finds the cycles it is meant to find", () => {
    const edges = new Map([
      ["a", new Set(["b"])],
      ["b", new Set(["c"])],
      ["c", new Set(["a"])],
      ["d", new Set(["a"])],
    ]);
    expect(cycles(["a", "b", "c", "d"], edges)).toEqual([["a", "b", "c"]]);
  });
});
