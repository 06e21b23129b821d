import { isLevel, LEVELS, type Level } from "../classification/levels.js";
import { closest } from "./suggest.js";

export const EXPORT_TAG = "exportToAnalytics";
export const CLASSIFICATION_TAG = "classification";
const OUR_TAGS = [EXPORT_TAG, CLASSIFICATION_TAG] as const;

/** One `@tag` found in a `///` doc comment. */
export interface Tag {
  readonly name: string;
  /** The word after the tag on the same line, if any. */
  readonly argument: string | undefined;
  /** 0-based line within the documentation text. */
  readonly docLine: number;
}

/** A problem with one doc comment, before it is given a file/model/field location. */
export type AnnotationProblem =
  | { readonly kind: "misspelled"; readonly written: string; readonly suggestion: string }
  | { readonly kind: "duplicate"; readonly tag: string }
  | { readonly kind: "misplaced"; readonly tag: string; readonly on: "model" | "field" | "relation" | "enum" }
  | { readonly kind: "missing-level" }
  | { readonly kind: "unknown-level"; readonly written: string; readonly suggestion: string | undefined };

export interface ModelAnnotations {
  readonly exported: boolean;
  readonly problems: readonly AnnotationProblem[];
}

export interface FieldAnnotations {
  readonly level: Level | undefined;
  readonly problems: readonly AnnotationProblem[];
}

const TAG = /(?:^|\s)@([A-Za-z_][\w.]*)(?:[ \t]+([^\s@]+))?/g;

/** Every `@tag` in a doc comment; tags of other tools are returned too and ignored by the callers. */
export function findTags(documentation: string | undefined): readonly Tag[] {
  if (documentation === undefined) return [];
  const tags: Tag[] = [];
  documentation.split(/\r?\n/).forEach((line, docLine) => {
    for (const match of line.matchAll(TAG)) {
      tags.push({ name: match[1] ?? "", argument: match[2], docLine });
    }
  });
  return tags;
}

/** Near-misses of our tag names (`@clasification`, `@ExportToAnalytics`) are errors, not silence. */
function misspellings(tags: readonly Tag[]): AnnotationProblem[] {
  const problems: AnnotationProblem[] = [];
  for (const tag of tags) {
    if ((OUR_TAGS as readonly string[]).includes(tag.name)) continue;
    const suggestion = closest(tag.name, OUR_TAGS);
    if (suggestion !== undefined) problems.push({ kind: "misspelled", written: tag.name, suggestion });
  }
  return problems;
}

function duplicates(tags: readonly Tag[], name: string): AnnotationProblem[] {
  return tags.filter((tag) => tag.name === name).length > 1 ? [{ kind: "duplicate", tag: name }] : [];
}

export function parseModelAnnotations(documentation: string | undefined): ModelAnnotations {
  const tags = findTags(documentation);
  const problems = [
    ...misspellings(tags),
    ...duplicates(tags, EXPORT_TAG),
    ...(tags.some((tag) => tag.name === CLASSIFICATION_TAG)
      ? [{ kind: "misplaced", tag: CLASSIFICATION_TAG, on: "model" } as const]
      : []),
  ];
  return { exported: tags.some((tag) => tag.name === EXPORT_TAG), problems };
}

/** Enums are types, not columns: neither annotation belongs on them. */
export function parseEnumAnnotations(documentation: string | undefined): readonly AnnotationProblem[] {
  const tags = findTags(documentation);
  return [
    ...misspellings(tags),
    ...OUR_TAGS.filter((name) => tags.some((tag) => tag.name === name)).map(
      (tag) => ({ kind: "misplaced", tag, on: "enum" }) as const,
    ),
  ];
}

export function parseFieldAnnotations(
  documentation: string | undefined,
  isRelation: boolean,
): FieldAnnotations {
  const tags = findTags(documentation);
  const problems: AnnotationProblem[] = [...misspellings(tags), ...duplicates(tags, CLASSIFICATION_TAG)];
  if (tags.some((tag) => tag.name === EXPORT_TAG))
    problems.push({ kind: "misplaced", tag: EXPORT_TAG, on: "field" });
  const classification = tags.find((tag) => tag.name === CLASSIFICATION_TAG);
  if (classification === undefined) return { level: undefined, problems };
  if (isRelation) {
    problems.push({ kind: "misplaced", tag: CLASSIFICATION_TAG, on: "relation" });
    return { level: undefined, problems };
  }
  const written = classification.argument;
  if (written === undefined) {
    problems.push({ kind: "missing-level" });
    return { level: undefined, problems };
  }
  if (!isLevel(written)) {
    problems.push({ kind: "unknown-level", written, suggestion: closest(written, LEVELS, 4) });
    return { level: undefined, problems };
  }
  return { level: written, problems };
}
