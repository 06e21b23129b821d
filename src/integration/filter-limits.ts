import { RedshiftViewsError } from "../errors.js";
import { type FilterRule, renderDataFilter } from "./filter-rule.js";

/**
 * Zero-ETL's limits on a data filter:
 * - "A single integration can have a maximum of 99 total patterns. [...] A single pattern can't
 *   exceed 256 characters in length."
 *   https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/zero-etl.filtering.html
 * - `DataFilter`: "Length Constraints: Minimum length of 1. Maximum length of 25600."
 *   https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_Integration.html
 */
const DATA_FILTER_LIMITS = {
  minLength: 1,
  maxLength: 25_600,
  maxPatterns: 99,
  maxPatternLength: 256,
} as const;

/**
 * Pure: the `DataFilter` value for the rules, or a refusal when it is outside the service's limits.
 * An empty filter is refused too: an integration without a filter replicates every table.
 */
export function checkedDataFilter(rules: readonly FilterRule[]): string {
  const refuse = (what: string, hint: string): never => {
    throw new RedshiftViewsError("E_DATA_FILTER_LIMIT", `The new data filter ${what}.`, { hint });
  };
  if (rules.length === 0) {
    refuse(
      "would be empty, and an integration without a data filter replicates every table of the source",
      "Export at least one model (/// @exportToAnalytics), or remove the filter in the RDS console if replicating everything is intended.",
    );
  }
  if (rules.length > DATA_FILTER_LIMITS.maxPatterns) {
    refuse(
      `has ${rules.length} patterns; zero-ETL allows ${DATA_FILTER_LIMITS.maxPatterns}`,
      "Export fewer tables, or replace patterns by hand in the RDS console with a database-wide rule (include: <database>.*) and exclusions; rules this tool did not write are kept.",
    );
  }
  const long = rules.find((rule) => rule.pattern.length > DATA_FILTER_LIMITS.maxPatternLength);
  if (long !== undefined) {
    refuse(
      `has a pattern of ${long.pattern.length} characters ("${long.pattern.slice(0, 60)}…"); zero-ETL allows ${DATA_FILTER_LIMITS.maxPatternLength}`,
      "Shorten the table or database name.",
    );
  }
  const filter = renderDataFilter(rules);
  if (filter.length > DATA_FILTER_LIMITS.maxLength) {
    refuse(
      `is ${filter.length} characters long; the RDS API accepts ${DATA_FILTER_LIMITS.maxLength}`,
      "Export fewer tables, or fold patterns into a database-wide rule in the RDS console.",
    );
  }
  return filter;
}
