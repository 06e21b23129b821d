import type { SchemaFile } from "./load-schema.js";

export interface SourcePosition {
  /** Absolute path of the file that declares the model. */
  readonly file: string;
  /** 1-based line of the declaration. */
  readonly line: number;
}

interface Block {
  readonly file: string;
  readonly lines: readonly string[];
  /** 0-based index of the `model X {` / `enum X {` line. */
  readonly start: number;
}

interface SchemaIndex {
  readonly models: ReadonlyMap<string, Block>;
  readonly enums: ReadonlyMap<string, Block>;
}

const DECLARATION = /^\s*(model|enum)\s+(\w+)\s*\{/;

// One index per set of files: a schema of thousands of models is split and scanned once, not once
// per lookup (which made classification quadratic in the schema's size).
const indexes = new WeakMap<readonly SchemaFile[], SchemaIndex>();

function indexOf(files: readonly SchemaFile[]): SchemaIndex {
  const cached = indexes.get(files);
  if (cached !== undefined) return cached;
  const models = new Map<string, Block>();
  const enums = new Map<string, Block>();
  for (const [file, content] of files) {
    const lines = content.split(/\r?\n/);
    lines.forEach((line, start) => {
      const match = DECLARATION.exec(line);
      const name = match?.[2];
      if (name === undefined) return;
      const declarations = match?.[1] === "model" ? models : enums;
      if (!declarations.has(name)) declarations.set(name, { file, lines, start });
    });
  }
  const index = { models, enums };
  indexes.set(files, index);
  return index;
}

/**
 * Finds where a model (and optionally one of its fields) is declared, so errors can point at a line.
 * DMMF carries no positions, so this reads the schema text.
 */
export function locate(
  files: readonly SchemaFile[],
  model: string,
  field?: string,
): SourcePosition | undefined {
  const block = indexOf(files).models.get(model);
  if (block === undefined) return undefined;
  if (field !== undefined) {
    for (let index = block.start + 1; index < block.lines.length; index++) {
      const line = block.lines[index] ?? "";
      if (/^\s*}/.test(line)) break;
      if (line.trimStart().split(/\s/, 1)[0] === field) return { file: block.file, line: index + 1 };
    }
  }
  return { file: block.file, line: block.start + 1 };
}

/** Same, for `enum Name {`. */
export function locateEnum(files: readonly SchemaFile[], name: string): SourcePosition | undefined {
  const block = indexOf(files).enums.get(name);
  return block === undefined ? undefined : { file: block.file, line: block.start + 1 };
}
