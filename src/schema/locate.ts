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

/** The text of a `///` doc comment on a line (after the `///`), or `undefined` if it has none. */
function docCommentText(line: string): string | undefined {
  return /^\s*\/\/\/(.*)$/.exec(line)?.[1]?.trim();
}

/**
 * The line of one line of a model's or field's documentation: Prisma joins the `///` lines right
 * above the declaration (and a trailing `///` on it) without keeping positions, so the text is found
 * again there. Falls back to the declaration's line.
 */
export function locateDocLine(
  files: readonly SchemaFile[],
  model: string,
  field: string | undefined,
  text: string,
): SourcePosition | undefined {
  const declared = locate(files, model, field);
  const block = indexOf(files).models.get(model);
  if (declared === undefined || block === undefined) return declared;
  const wanted = text.trim();
  for (let index = declared.line - 2; index >= 0; index--) {
    const doc = docCommentText(block.lines[index] ?? "");
    if (doc === undefined) break;
    if (doc === wanted) return { file: block.file, line: index + 1 };
  }
  return declared; // a trailing `///` on the declaration's own line, or not found
}
