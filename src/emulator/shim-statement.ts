import { syntaxError } from "./sql-error.js";
import { isIdentifier, isKeyword, isSignificant, joinTokens, type Token } from "./sql-tokens.js";

/** Significant-token view of a statement, with edits applied by token index. */
export class Statement {
  readonly tokens: Token[];
  /** Indexes into `tokens` of the significant tokens. */
  readonly sig: number[];

  constructor(tokens: readonly Token[]) {
    this.tokens = [...tokens];
    this.sig = [];
    this.tokens.forEach((token, index) => {
      if (isSignificant(token)) this.sig.push(index);
    });
  }

  at(position: number): Token | undefined {
    const index = this.sig[position];
    return index === undefined ? undefined : this.tokens[index];
  }

  keywordsAt(position: number, ...keywords: string[]): boolean {
    return keywords.every((keyword, offset) => isKeyword(this.at(position + offset), keyword));
  }

  /** End position (exclusive) of a dotted name starting at `position`, or `position` when there is none. */
  nameEnd(position: number): number {
    if (!isIdentifier(this.at(position))) return position;
    let end = position + 1;
    while (this.at(end)?.text === "." && isIdentifier(this.at(end + 1))) end += 2;
    return end;
  }

  /** Source text of significant positions [from, to). */
  text(from: number, to: number): string {
    const first = this.sig[from];
    const last = this.sig[to - 1];
    if (first === undefined || last === undefined) return "";
    return joinTokens(this.tokens.slice(first, last + 1));
  }

  /** Blanks significant positions [from, to) and the tokens between them. */
  remove(from: number, to: number): void {
    const first = this.sig[from];
    const last = this.sig[to - 1];
    if (first === undefined || last === undefined) return;
    const before = this.tokens[first - 1];
    const start = before !== undefined && before.kind === "whitespace" ? first - 1 : first;
    for (let i = start; i <= last; i++) this.tokens[i] = { kind: "whitespace", text: "" };
  }

  replace(position: number, text: string): void {
    const index = this.sig[position];
    if (index !== undefined) this.tokens[index] = { kind: "word", text };
  }

  /** Position of the parenthesis closing the one at `position`. */
  closingParen(position: number): number {
    let depth = 0;
    for (let p = position; p < this.sig.length; p++) {
      const text = this.at(p)?.text;
      if (text === "(") depth++;
      else if (text === ")") {
        depth--;
        if (depth === 0) return p;
      }
    }
    throw syntaxError("end of input");
  }

  toSql(): string {
    return joinTokens(this.tokens);
  }
}
