export { applyDataFilter } from "./apply-data-filter.js";
export { evaluateFilter, type FilterVerdict } from "./evaluate-filter.js";
export { checkedDataFilter, DATA_FILTER_LIMITS } from "./filter-limits.js";
export {
  type FilterPart,
  type FilterRule,
  type FilterRuleKind,
  renderDataFilter,
  renderRule,
} from "./filter-rule.js";
export { type FilterSource, includeRule, tableReference } from "./filter-source.js";
export { describeWarning, formatDataFilterPlan } from "./format-data-filter-plan.js";
export { type IntegrationAction, integrationError } from "./integration-errors.js";
export type { IntegrationInfo } from "./integration-info.js";
export { parseDataFilter } from "./parse-data-filter.js";
export {
  type DataFilterPlan,
  type DataFilterPlanInput,
  type DataFilterWarning,
  planDataFilter,
} from "./plan-data-filter.js";
export { readIntegration } from "./read-integration.js";
