import { RedshiftViewsError } from "../errors.js";
import type { FilterPart, FilterRule, FilterRuleKind } from "./filter-rule.js";

/**
 * Pure: parses a zero-ETL `DataFilter` into its rules, in order (order matters: a later pattern
 * overrides an earlier one).
 *
 * The syntax is Maxwell's filter syntax as zero-ETL documents it
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/zero-etl.filtering.html,
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/zero-etl.filtering.html): comma-separated
 * `include:`/`exclude:` patterns of 2 (MySQL: `database.table`) or 3 (PostgreSQL:
 * `database.schema.table`) parts, each part a name, `*`, or a `/regular expression/` (which may hold
 * commas and dots; it ends at the first `/` not preceded by `\`). Names may be quoted with `"`, `'`
 * or a backtick, as Maxwell's tokenizer allows. Keywords are case-insensitive.
 *
 * A pattern without a keyword takes the previous pattern's type: that is the console's grouped form
 * (`include: db.a, db.b`), which a filter written in the console may hold; the RDS API wants one
 * keyword per pattern, and this tool always renders it that way.
 *
 * Maxwell's `blacklist:` and column-value filters (`db.table.column=value`) are refused: zero-ETL
 * supports neither ("You can't include column-level filters or denylists").
 */
export function parseDataFilter(filter: string): FilterRule[] {
  return new FilterParser(filter).parse();
}

const KEYWORD = /^(include|exclude)\s*:/i;
const OTHER_KEYWORD = /^([A-Za-z]+)\s*:/;
const WORD = /^[A-Za-z0-9_$\u0080-\uffff]+/;
const QUOTES = new Set(['"', "'", "`"]);

class FilterParser {
  private position = 0;

  constructor(private readonly text: string) {}

  parse(): FilterRule[] {
    const rules: FilterRule[] = [];
    let kind: FilterRuleKind | undefined;
    this.skipSpace();
    while (this.position < this.text.length) {
      if (rules.length > 0) {
        this.expect(",");
        this.skipSpace();
      }
      const rest = this.text.slice(this.position);
      const keyword = KEYWORD.exec(rest);
      if (keyword !== null) {
        kind = (keyword[1] ?? "").toLowerCase() as FilterRuleKind;
        this.position += keyword[0].length;
        this.skipSpace();
      } else {
        const other = OTHER_KEYWORD.exec(rest);
        if (other !== null) {
          this.fail(
            `"${other[1]}:" is not a zero-ETL filter type`,
            "Zero-ETL filters use include: and exclude: (no blacklist or column filters).",
          );
        }
        if (kind === undefined) this.fail("the filter must start with include: or exclude:");
      }
      rules.push(this.pattern(kind ?? "include"));
      this.skipSpace();
    }
    return rules;
  }

  private pattern(kind: FilterRuleKind): FilterRule {
    const start = this.position;
    const parts: FilterPart[] = [this.part()];
    while (this.text[this.position] === ".") {
      this.position += 1;
      parts.push(this.part());
    }
    if (this.text[this.position] === "=") {
      this.fail("column-value filters are not supported by zero-ETL");
    }
    if (parts.length < 2 || parts.length > 3) {
      this.fail(
        `a pattern has ${parts.length} part${parts.length === 1 ? "" : "s"}; zero-ETL patterns are database.table (MySQL) or database.schema.table (PostgreSQL)`,
        undefined,
        start,
      );
    }
    return { kind, parts, pattern: this.text.slice(start, this.position) };
  }

  private part(): FilterPart {
    const char = this.text[this.position];
    if (char === "*") {
      this.position += 1;
      return { kind: "any" };
    }
    if (char === "/") return { kind: "regex", source: this.regex() };
    if (char !== undefined && QUOTES.has(char)) {
      const end = this.text.indexOf(char, this.position + 1);
      if (end < 0) this.fail(`unterminated ${char}quoted${char} name`);
      const name = this.text.slice(this.position + 1, end);
      this.position = end + 1;
      return { kind: "name", name };
    }
    const word = WORD.exec(this.text.slice(this.position));
    if (word === null) this.fail("expected a name, * or /regular expression/");
    this.position += word[0].length;
    return { kind: "name", name: word[0] };
  }

  private regex(): string {
    const start = this.position + 1;
    for (let index = start; index < this.text.length; index += 1) {
      const char = this.text[index];
      if (char === "\\") {
        index += 1;
        continue;
      }
      if (char === "/") {
        this.position = index + 1;
        return this.text.slice(start, index);
      }
    }
    return this.fail("unterminated /regular expression/");
  }

  private skipSpace(): void {
    while (this.position < this.text.length && /\s/.test(this.text[this.position] ?? "")) this.position += 1;
  }

  private expect(char: string): void {
    if (this.text[this.position] !== char) this.fail(`expected "${char}"`);
    this.position += 1;
  }

  private fail(what: string, hint?: string, at = this.position): never {
    const excerpt = this.text.slice(at, at + 30);
    throw new RedshiftViewsError(
      "E_DATA_FILTER_PARSE",
      `Cannot read the data filter at character ${at + 1}${excerpt === "" ? " (its end)" : ` ("${excerpt}")`}: ${what}.`,
      {
        hint:
          hint ??
          "Fix the integration's data filter (RDS console → Zero-ETL integrations → Modify), or report it if AWS accepted it as written.",
      },
    );
  }
}
