import type { SchemaFile } from "./load-schema.js";

/** One of our annotations written in a comment Prisma does not hand to generators. */
export interface CommentAnnotation {
  /** Absolute path of the schema file. */
  readonly file: string;
  /** 1-based line of the annotation. */
  readonly line: number;
  /** The annotation as written, e.g. `@classification`. */
  readonly written: string;
  /** `//` comments are dropped by Prisma; `/* *\/` ones are passed on by some versions, not others. */
  readonly comment: "line" | "block";
  /** The block the comment sits in or above, when it can be told. */
  readonly model: string | undefined;
  /** The field the comment sits on or above, when it can be told. */
  readonly field: string | undefined;
}

/**
 * `@classification`, `@exportToAnalytics` (any case, any number of `@`) inside a comment, unless the
 * comment quotes the doc-comment form itself (`// Mark models with \`/// @exportToAnalytics\``), which
 * is prose explaining the annotations (or one deliberately commented out), not a misplaced one.
 */
const OUR_ANNOTATION = /(?<!\/\/\/[ \t]*)@+(classification|exportToAnalytics)(?!\w)/gi;
const BLOCK_START = /^\s*(model|view|type|enum)\s+([A-Za-z_]\w*)\s*\{/;

interface Comment {
  readonly kind: "line" | "block";
  readonly text: string;
  /** 0-based line where the comment starts. */
  readonly line: number;
  /** 0-based line where it ends (the same line for `//`). */
  readonly endLine: number;
  /** Whether code precedes the comment on its first line (`ssn Int // …`). */
  readonly trailing: boolean;
}

/**
 * Prisma drops `//` comments before any generator sees them, so an annotation there is silently
 * ignored and a field meant to be `highly_restricted` takes its default. `/* … *\/` block comments
 * are passed on as documentation by Prisma 7 but not reliably by every version and position, so they
 * are refused too: `///` is the one supported form. This finds both in the schema text.
 * String literals are skipped, so `@default("// @classification")` is not mistaken for a comment.
 */
export function findCommentAnnotations(files: readonly SchemaFile[]): CommentAnnotation[] {
  const found: CommentAnnotation[] = [];
  for (const [file, content] of files) {
    const lines = content.split(/\r?\n/);
    for (const comment of comments(content)) {
      const commentLines = comment.text.split("\n");
      commentLines.forEach((text, offset) => {
        for (const match of text.matchAll(OUR_ANNOTATION)) {
          const node = nodeOf(lines, comment);
          found.push({
            file,
            line: comment.line + offset + 1,
            written: match[0],
            comment: comment.kind,
            ...node,
          });
        }
      });
    }
  }
  return found;
}

/** Every `//` (not `///`) and `/* *\/` comment in a schema file, outside string literals. */
function comments(content: string): Comment[] {
  const found: Comment[] = [];
  let line = 0;
  let lineHasCode = false;
  let index = 0;
  while (index < content.length) {
    const char = content[index];
    if (char === "\n") {
      line++;
      lineHasCode = false;
      index++;
    } else if (char === '"') {
      lineHasCode = true;
      index++;
      while (index < content.length && content[index] !== '"' && content[index] !== "\n") {
        index += content[index] === "\\" ? 2 : 1;
      }
      index++;
    } else if (content.startsWith("//", index)) {
      const end = content.indexOf("\n", index);
      const stop = end === -1 ? content.length : end;
      if (!content.startsWith("///", index)) {
        found.push({
          kind: "line",
          text: content.slice(index + 2, stop),
          line,
          endLine: line,
          trailing: lineHasCode,
        });
      }
      index = stop;
    } else if (content.startsWith("/*", index)) {
      const end = content.indexOf("*/", index + 2);
      const stop = end === -1 ? content.length : end + 2;
      const text = content.slice(index + 2, end === -1 ? content.length : end);
      const newlines = text.split("\n").length - 1;
      found.push({ kind: "block", text, line, endLine: line + newlines, trailing: lineHasCode });
      line += newlines;
      index = stop;
    } else {
      if (char !== " " && char !== "\t" && char !== "\r") lineHasCode = true;
      index++;
    }
  }
  return found;
}

/**
 * The model and field a comment belongs to: the code on its own line when it trails code, else the
 * next line of code below it (what a `///` comment in the same place would document).
 */
function nodeOf(lines: readonly string[], comment: Comment): Pick<CommentAnnotation, "model" | "field"> {
  let target = comment.trailing ? comment.line : comment.endLine + 1;
  if (!comment.trailing) {
    while (target < lines.length && isBlankOrComment(lines[target] ?? "")) target++;
  }
  const code = lines[target] ?? "";
  const block = BLOCK_START.exec(code);
  if (block !== null) return { model: blockName(block), field: undefined };
  const enclosing = enclosingBlock(lines, target);
  if (enclosing === undefined) return { model: undefined, field: undefined };
  const field = /^\s*([A-Za-z_]\w*)\s/.exec(code)?.[1];
  return { model: enclosing, field: enclosing.startsWith("enum ") ? undefined : field };
}

function isBlankOrComment(line: string): boolean {
  const trimmed = line.trim();
  return trimmed === "" || trimmed.startsWith("//") || trimmed.startsWith("/*") || trimmed.startsWith("*");
}

/** The `model`/`view`/`type` (or `enum X`) whose braces contain `target`, if any. */
function enclosingBlock(lines: readonly string[], target: number): string | undefined {
  for (let index = Math.min(target, lines.length - 1); index >= 0; index--) {
    const line = lines[index] ?? "";
    if (index < target && /^\s*}/.test(line)) return undefined;
    const block = BLOCK_START.exec(line);
    if (block !== null) {
      if (index === target) return undefined;
      return blockName(block);
    }
  }
  return undefined;
}

/** `User` for a model (view, type), `enum Role` for an enum: the names errors show. */
function blockName(block: RegExpExecArray): string | undefined {
  return block[1] === "enum" ? `enum ${block[2]}` : block[2];
}
