export { dataFilter } from "./data-filter.js";
export { formatDataFilterPlan } from "./format-data-filter-plan.js";
