import { escapeRegExp } from "../text/escape-regexp.js";
import type { SchemaFile } from "./load-schema.js";

export interface SourcePosition {
  /** Absolute path of the file that declares the model. */
  readonly file: string;
  /** 1-based line of the declaration. */
  readonly line: number;
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
  const modelLine = new RegExp(`^\\s*model\\s+${escapeRegExp(model)}\\s*\\{`);
  const fieldLine = field === undefined ? undefined : new RegExp(`^\\s*${escapeRegExp(field)}\\s`);
  for (const [file, content] of files) {
    const lines = content.split(/\r?\n/);
    const start = lines.findIndex((line) => modelLine.test(line));
    if (start === -1) continue;
    if (fieldLine === undefined) return { file, line: start + 1 };
    for (let index = start + 1; index < lines.length && !/^\s*}/.test(lines[index] ?? ""); index++) {
      if (fieldLine.test(lines[index] ?? "")) return { file, line: index + 1 };
    }
    return { file, line: start + 1 };
  }
  return undefined;
}

/** Same, for `enum Name {`. */
export function locateEnum(files: readonly SchemaFile[], name: string): SourcePosition | undefined {
  const enumLine = new RegExp(`^\\s*enum\\s+${escapeRegExp(name)}\\s*\\{`);
  for (const [file, content] of files) {
    const index = content.split(/\r?\n/).findIndex((line) => enumLine.test(line));
    if (index !== -1) return { file, line: index + 1 };
  }
  return undefined;
}
