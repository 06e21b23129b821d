/**
 * A small, lossless SQL tokenizer: joining the texts of the tokens gives back the input exactly.
 * It knows just enough of the Postgres/Redshift lexical rules (strings, quoted identifiers, dollar
 * quotes, comments) for the dialect shim to rewrite statements without touching literals.
 */

type TokenKind =
  | "whitespace"
  | "comment"
  | "string"
  | "quotedIdentifier"
  | "word"
  | "number"
  | "positionalParameter"
  | "punctuation";

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
}

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/;
const DIGIT = /[0-9]/;
const DOLLAR_TAG = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/;

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, end: number): void => {
    tokens.push({ kind, text: sql.slice(i, end) });
    i = end;
  };
  while (i < sql.length) {
    const c = sql.charAt(i);
    const next = sql.charAt(i + 1);
    if (/\s/.test(c)) {
      let end = i + 1;
      while (end < sql.length && /\s/.test(sql.charAt(end))) end++;
      push("whitespace", end);
    } else if (c === "-" && next === "-") {
      const newline = sql.indexOf("\n", i);
      push("comment", newline === -1 ? sql.length : newline);
    } else if (c === "/" && next === "*") {
      push("comment", endOfBlockComment(sql, i));
    } else if (c === "'") {
      push("string", endOfQuoted(sql, i, "'", false));
    } else if (/[eE]/.test(c) && next === "'") {
      push("string", endOfQuoted(sql, i + 1, "'", true));
    } else if (/[nNbBxX]/.test(c) && next === "'") {
      push("string", endOfQuoted(sql, i + 1, "'", false));
    } else if (c === '"') {
      push("quotedIdentifier", endOfQuoted(sql, i, '"', false));
    } else if (c === "$") {
      const tag = DOLLAR_TAG.exec(sql.slice(i));
      if (tag !== null) {
        const close = sql.indexOf(tag[0], i + tag[0].length);
        push("string", close === -1 ? sql.length : close + tag[0].length);
      } else if (DIGIT.test(next)) {
        let end = i + 1;
        while (end < sql.length && DIGIT.test(sql.charAt(end))) end++;
        push("positionalParameter", end);
      } else {
        push("punctuation", i + 1);
      }
    } else if (WORD_START.test(c)) {
      let end = i + 1;
      while (end < sql.length && WORD_PART.test(sql.charAt(end))) end++;
      push("word", end);
    } else if (DIGIT.test(c) || (c === "." && DIGIT.test(next))) {
      const match = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(sql.slice(i));
      push("number", i + (match?.[0].length ?? 1));
    } else if (c === ":" && next === ":") {
      push("punctuation", i + 2);
    } else {
      push("punctuation", i + 1);
    }
  }
  return tokens;
}

function endOfBlockComment(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql.startsWith("/*", i)) {
      depth++;
      i += 2;
    } else if (sql.startsWith("*/", i)) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  return sql.length;
}

/** `start` is the opening quote; doubled quotes escape, and backslashes too in `E'…'` strings. */
function endOfQuoted(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql.charAt(i);
    if (backslashEscapes && c === "\\") {
      i += 2;
    } else if (c === quote) {
      if (sql.charAt(i + 1) === quote) i += 2;
      else return i + 1;
    } else {
      i++;
    }
  }
  return sql.length;
}

export function isSignificant(token: Token): boolean {
  return token.kind !== "whitespace" && token.kind !== "comment";
}

export type IdentifierToken = Token & { readonly kind: "word" | "quotedIdentifier" };

export function isIdentifier(token: Token | undefined): token is IdentifierToken {
  return token !== undefined && (token.kind === "word" || token.kind === "quotedIdentifier");
}

/** The name an identifier token denotes: unquoted words fold to lower case, quoted ones are exact. */
export function identifierValue(token: Token): string {
  if (token.kind === "quotedIdentifier") return token.text.slice(1, -1).replaceAll('""', '"');
  return token.text.toLowerCase();
}

export function isKeyword(token: Token | undefined, ...keywords: string[]): boolean {
  return token !== undefined && token.kind === "word" && keywords.includes(token.text.toUpperCase());
}

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** Splits on top-level semicolons; statements that are only whitespace and comments are dropped. */
export function splitStatements(tokens: readonly Token[]): Token[][] {
  const statements: Token[][] = [];
  let current: Token[] = [];
  for (const token of tokens) {
    if (token.kind === "punctuation" && token.text === ";") {
      statements.push(current);
      current = [];
    } else {
      current.push(token);
    }
  }
  statements.push(current);
  return statements.filter((statement) => statement.some(isSignificant));
}

export function joinTokens(tokens: readonly Token[]): string {
  return tokens.map((token) => token.text).join("");
}
