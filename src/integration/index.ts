export { applyDataFilter } from "./apply-data-filter.js";
export { type DataFilterOptions, type DataFilterReport, dataFilter } from "./data-filter.js";
export { desiredDataFilter } from "./desired-filter.js";
export { evaluateFilter, type FilterVerdict } from "./evaluate-filter.js";
export { checkedDataFilter, DATA_FILTER_LIMITS } from "./filter-limits.js";
export {
  type FilterPart,
  type FilterRule,
  type FilterRuleKind,
  renderDataFilter,
  renderRule,
} from "./filter-rule.js";
export { describeWarning, formatDataFilterPlan } from "./format-data-filter-plan.js";
export { type IntegrationArn, parseIntegrationArn } from "./integration-arn.js";
export { type IntegrationAction, integrationError } from "./integration-errors.js";
export type { IntegrationInfo } from "./integration-info.js";
export { parseDataFilter } from "./parse-data-filter.js";
export {
  type DataFilterPlan,
  type DataFilterPlanInput,
  type DataFilterWarning,
  planDataFilter,
} from "./plan-data-filter.js";
export { type ProjectTables, projectTables } from "./project-tables.js";
export { readIntegration } from "./read-integration.js";
export { includeRule, referenceText, type TableReference } from "./table-reference.js";
