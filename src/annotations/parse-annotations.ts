import { isLevel, LEVELS, type Level } from "../classification/levels.js";
import { closest } from "../text/suggest.js";

export const EXPORT_TAG = "exportToAnalytics";
const CLASSIFICATION_TAG = "classification";
const OUR_TAGS = [EXPORT_TAG, CLASSIFICATION_TAG] as const;

/** One `@tag` found in a `///` doc comment. */
export interface Tag {
  readonly name: string;
  /** 0-based line within the documentation text. */
  readonly docLine: number;
  /** Written `@@name`: Prisma's block-attribute syntax, never a doc annotation. */
  readonly doubleAt: boolean;
  /** The text of its line before the `@`, as written. */
  readonly before: string;
  /** The text of its line after the name, as written. */
  readonly after: string;
}

/**
 * A problem with one doc comment, before it is given a file/model/field location.
 * `unrecognised`: the text mentions one of our tags in a form that is not an annotation (glued to the
 * word before it, written `@@…`, or without the `@`), so it would otherwise be silently ignored.
 */
export type AnnotationProblem =
  | { readonly kind: "misspelled"; readonly written: string; readonly suggestion: string }
  | { readonly kind: "duplicate"; readonly tag: string }
  | { readonly kind: "misplaced"; readonly tag: string; readonly on: "model" | "field" | "relation" | "enum" }
  | { readonly kind: "missing-level" }
  | { readonly kind: "unknown-level"; readonly written: string; readonly suggestion: string | undefined }
  | {
      readonly kind: "unrecognised";
      readonly tag: string;
      readonly written: string;
      readonly how: "glued" | "double-at" | "no-at" | "malformed";
    }
  /**
   * An annotation line that holds more than the annotation (a second level, a note, text before it):
   * what the writer meant is not certain, so it is refused rather than read. `line` is the doc line
   * as written (trimmed), `suggestion` the line to write instead.
   */
  | { readonly kind: "extra-text"; readonly tag: string; readonly line: string; readonly suggestion: string };

export interface ModelAnnotations {
  readonly exported: boolean;
  readonly problems: readonly AnnotationProblem[];
}

export interface FieldAnnotations {
  readonly level: Level | undefined;
  readonly problems: readonly AnnotationProblem[];
}

/**
 * A tag starts at an `@` that does not follow a word character or a dot (so `a@b.com` and
 * `@zod.string.email` stay one thing), wherever else it is: after `(`, a backtick, `;`, … The name
 * does not end in a dot (`@classification.` is the tag `classification`).
 */
const TAG = /(?<![\w.@])@(@?)([A-Za-z_](?:[\w.]*\w)?)/g;
/** Quotes, brackets and punctuation around a word: only used to suggest what to write instead. */
const WRAPPING = /^[`'"([{<*_]+|[`'")\]}>*.,;:!?]+$/g;

/** Every `@tag` in a doc comment; tags of other tools are returned too and ignored by the callers. */
export function findTags(documentation: string | undefined): readonly Tag[] {
  if (documentation === undefined) return [];
  const tags: Tag[] = [];
  documentation.split(/\r?\n/).forEach((line, docLine) => {
    for (const match of line.matchAll(TAG)) {
      const start = match.index ?? 0;
      tags.push({
        name: match[2] ?? "",
        docLine,
        doubleAt: match[1] === "@",
        before: line.slice(0, start),
        after: line.slice(start + match[0].length),
      });
    }
  });
  return tags;
}

/** What one line holding one of our tags says: the level it sets (`@classification`), or why it is refused. */
interface AnnotationLine {
  readonly level: Level | undefined;
  readonly problem: AnnotationProblem | undefined;
}

/** `@classification`'s level: whitespace, then a word that is not another tag, then the rest of the line. */
const LEVEL_WORD = /^[ \t]+([^\s@]+)([\s\S]*)$/;

/**
 * An annotation line holds the annotation and nothing else: `@classification <level>` or
 * `@exportToAnalytics`, with nothing but whitespace around it. Anything more (a second level, a note,
 * other text or tags before it) is refused, never guessed at: `/// @classification public
 * restricted` could mean either level, and a note after the level invites the next one to be read as
 * part of it.
 */
function readAnnotationLine(tag: Tag): AnnotationLine {
  const line = `${tag.before}@${tag.name}${tag.after}`.trim();
  const wordAfter = LEVEL_WORD.exec(tag.after);
  const level = wordAfter?.[1];
  const extraText = (): AnnotationLine => {
    const meant = level?.replace(WRAPPING, "");
    const suggestion =
      tag.name === EXPORT_TAG
        ? `/// @${EXPORT_TAG}`
        : `/// @${CLASSIFICATION_TAG} ${meant !== undefined && isLevel(meant) ? meant : "<level>"}`;
    return { level: undefined, problem: { kind: "extra-text", tag: tag.name, line, suggestion } };
  };
  if (tag.before.trim() !== "") return extraText();
  if (tag.name === EXPORT_TAG)
    return tag.after.trim() === "" ? { level: undefined, problem: undefined } : extraText();
  if (level === undefined) {
    // Nothing after the tag, or another tag right after it: no level was written. Text glued to the
    // tag (`@classification: public`) is more than the annotation.
    return tag.after.trim() === "" || /^[ \t]/.test(tag.after)
      ? { level: undefined, problem: { kind: "missing-level" } }
      : extraText();
  }
  if (!isLevel(level)) {
    return {
      level: undefined,
      problem: { kind: "unknown-level", written: level, suggestion: closest(level, LEVELS, 4) },
    };
  }
  if ((wordAfter?.[2] ?? "").trim() !== "") return extraText();
  return { level, problem: undefined };
}

/** Our tag name this word is, or is a near-miss of (case-insensitive), if any. */
function ourTagNear(word: string): string | undefined {
  return closest(word, OUR_TAGS);
}

const WORD = /[A-Za-z_][A-Za-z0-9_]*/g;
/** What may sit between `classification` and a level when someone forgot the `@`: `classification: restricted`. */
const LEVEL_AFTER = /^[\s:=\-–—>`'"(]*(?:(?:is|level)\b[\s:=]*)*([A-Za-z_-]+)/i;

/**
 * The safety net: every mention of one of our tag names (or a near-miss) that did not parse as a tag
 * is an error, never silence. A mention is the name right after an `@` (`SSN@classification`,
 * `.@classification`, `@@classification`), any form of `exportToAnalytics` (no prose uses that word),
 * or `classification` followed by a level (`classification: highly_restricted`). Prose that merely
 * talks about classification (`/// The classification result of the model`) is left alone, as are
 * e-mail addresses (`x@classification.example`).
 */
function unrecognisedMentions(documentation: string | undefined): AnnotationProblem[] {
  if (documentation === undefined) return [];
  const problems: AnnotationProblem[] = [];
  for (const line of documentation.split(/\r?\n/)) {
    const parsedAt = new Set<number>();
    for (const match of line.matchAll(TAG)) {
      // Tags that are ours or near-misses are reported by the parser; `@@…` and longer names such as
      // `@classification.restricted` are not, so their mention is reported below.
      if (match[1] !== "@" && ourTagNear(match[2] ?? "") !== undefined) parsedAt.add((match.index ?? 0) + 1);
    }
    for (const match of line.matchAll(WORD)) {
      const word = match[0];
      const index = match.index ?? 0;
      const tag = ourTagNear(word);
      if (tag === undefined || parsedAt.has(index)) continue;
      const before = line.slice(0, index);
      const after = line.slice(index + word.length);
      if (before.endsWith("@")) {
        const glued = /[\w.]@+$/.test(before);
        // `name@classification.example`: an e-mail address, not a tag.
        if (glued && /^\.[A-Za-z0-9-]/.test(after)) continue;
        const how = glued ? "glued" : /@@$/.test(before) ? "double-at" : "malformed";
        const written = `${/\S*$/.exec(before)?.[0] ?? "@"}${word}${/^\S*/.exec(after)?.[0] ?? ""}`;
        problems.push({ kind: "unrecognised", tag, written, how });
        continue;
      }
      if (before.endsWith(".")) continue; // `@zod.classification`: another tool's namespace.
      const following = LEVEL_AFTER.exec(after);
      const level = following?.[1];
      const mentionsLevel = level !== undefined && level.length >= 4 && closest(level, LEVELS) !== undefined;
      if (tag === EXPORT_TAG || mentionsLevel) {
        const written = mentionsLevel ? `${word}${following?.[0] ?? ""}` : word;
        problems.push({ kind: "unrecognised", tag, written, how: "no-at" });
      }
    }
  }
  return problems;
}

/** Near-misses of our tag names (`@clasification`, `@ExportToAnalytics`) are errors, not silence. */
function misspellings(tags: readonly Tag[]): AnnotationProblem[] {
  const problems: AnnotationProblem[] = [];
  for (const tag of tags) {
    if (tag.doubleAt) continue; // reported by unrecognisedMentions when it is (near) one of ours
    if ((OUR_TAGS as readonly string[]).includes(tag.name)) continue;
    const suggestion = closest(tag.name, OUR_TAGS);
    if (suggestion !== undefined) problems.push({ kind: "misspelled", written: tag.name, suggestion });
  }
  return problems;
}

function duplicates(tags: readonly Tag[], name: string): AnnotationProblem[] {
  return tags.filter((tag) => tag.name === name).length > 1 ? [{ kind: "duplicate", tag: name }] : [];
}

/** The tags that count: `@@name` is never an annotation (it is reported as a mention). */
function annotationTags(documentation: string | undefined): readonly Tag[] {
  return findTags(documentation).filter((tag) => !tag.doubleAt);
}

export function parseModelAnnotations(documentation: string | undefined): ModelAnnotations {
  const tags = annotationTags(documentation);
  const exports = tags.filter((tag) => tag.name === EXPORT_TAG).map(readAnnotationLine);
  const problems = [
    ...misspellings(tags),
    ...unrecognisedMentions(documentation),
    ...duplicates(tags, EXPORT_TAG),
    ...exports.flatMap((line) => (line.problem === undefined ? [] : [line.problem])),
    ...(tags.some((tag) => tag.name === CLASSIFICATION_TAG)
      ? [{ kind: "misplaced", tag: CLASSIFICATION_TAG, on: "model" } as const]
      : []),
  ];
  // Only a line that is exactly the annotation exports: one with more on it is an error, not a yes.
  return { exported: exports.some((line) => line.problem === undefined), problems };
}

/** Enums are types, not columns: neither annotation belongs on them. */
export function parseEnumAnnotations(documentation: string | undefined): readonly AnnotationProblem[] {
  const tags = annotationTags(documentation);
  return [
    ...misspellings(tags),
    ...unrecognisedMentions(documentation),
    ...OUR_TAGS.filter((name) => tags.some((tag) => tag.name === name)).map(
      (tag) => ({ kind: "misplaced", tag, on: "enum" }) as const,
    ),
  ];
}

export function parseFieldAnnotations(
  documentation: string | undefined,
  isRelation: boolean,
): FieldAnnotations {
  const tags = annotationTags(documentation);
  const problems: AnnotationProblem[] = [
    ...misspellings(tags),
    ...unrecognisedMentions(documentation),
    ...duplicates(tags, CLASSIFICATION_TAG),
  ];
  if (tags.some((tag) => tag.name === EXPORT_TAG))
    problems.push({ kind: "misplaced", tag: EXPORT_TAG, on: "field" });
  const classifications = tags.filter((tag) => tag.name === CLASSIFICATION_TAG);
  if (classifications.length === 0) return { level: undefined, problems };
  if (isRelation) {
    problems.push({ kind: "misplaced", tag: CLASSIFICATION_TAG, on: "relation" });
    return { level: undefined, problems };
  }
  // Every line is read, so a duplicate with a note on it is reported as well as the duplicate.
  const lines = classifications.map(readAnnotationLine);
  for (const line of lines) if (line.problem !== undefined) problems.push(line.problem);
  const [first] = lines;
  return { level: first?.problem === undefined ? first?.level : undefined, problems };
}
