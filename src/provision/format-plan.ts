import type { Tier } from "../classification/levels.js";
import type { ApplyResult, ViewOutcome } from "./apply.js";
import {
  countPlan,
  itemName,
  itemSchema,
  itemTier,
  type PlanItem,
  type PlanKind,
  type ProvisionPlan,
} from "./plan.js";

/** The `--json` form of a plan. Stable: fields are only ever added. */
export interface ProvisionPlanJson {
  readonly version: 1;
  readonly environment: string;
  readonly target: string;
  readonly summary: Record<PlanKind, number>;
  readonly schemas: readonly string[];
  readonly views: readonly PlanViewJson[];
}

export interface PlanViewJson {
  readonly action: PlanKind;
  readonly schema: string;
  readonly view: string;
  /** `non_pii` or `pii`; absent for views without a template (drop, unmanaged). */
  readonly tier?: Tier;
  readonly model?: string;
  readonly template?: string;
  /** Hash of the template's DDL and grants (absent for drop/unmanaged). */
  readonly hash?: string;
  /** Hash stored on the view in the warehouse (update, drop). */
  readonly storedHash?: string;
  /** Statements applying this item would run (add, update, drop). */
  readonly grants?: readonly string[];
}

export function planToJson(plan: ProvisionPlan, target: string): ProvisionPlanJson {
  return {
    version: 1,
    environment: plan.environment,
    target,
    summary: countPlan(plan),
    schemas: plan.schemas,
    views: plan.items.map(itemToJson),
  };
}

function itemToJson(item: PlanItem): PlanViewJson {
  switch (item.kind) {
    case "add":
    case "unchanged":
    case "conflict":
      return { action: item.kind, ...viewFields(item.view) };
    case "update":
      return { action: item.kind, ...viewFields(item.view), storedHash: item.storedHash };
    case "drop":
      return { action: item.kind, schema: item.schema, view: item.name, storedHash: item.storedHash };
    case "unmanaged":
      return { action: item.kind, schema: item.schema, view: item.name };
  }
}

function viewFields(view: Extract<PlanItem, { kind: "add" }>["view"]) {
  return {
    schema: view.schema,
    view: view.name,
    tier: view.tier,
    model: view.model,
    template: view.fileName,
    hash: view.hash,
    grants: view.grants,
  };
}

export const KIND_HEADINGS: Record<PlanKind, string> = {
  add: "Add",
  update: "Update (DROP + CREATE: empty until refreshed)",
  drop: "Drop (no template any more)",
  conflict: "Conflict (name taken by a relation this tool did not create: left alone)",
  unchanged: "Unchanged",
  unmanaged: "Not managed, left alone",
};

const SIGNS: Record<PlanKind, string> = {
  add: "+",
  update: "~",
  drop: "-",
  conflict: "!",
  unchanged: "=",
  unmanaged: "·",
};

export const TIER_LABELS: Record<Tier, string> = { non_pii: "non-PII", pii: "PII" };

export interface Paint {
  readonly green: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly red: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly bold: (text: string) => string;
}

const COLOURS: Record<PlanKind, keyof Paint> = {
  add: "green",
  update: "yellow",
  drop: "red",
  conflict: "red",
  unchanged: "dim",
  unmanaged: "dim",
};

/** The human form: grouped by action with counts; unchanged views are only counted unless `verbose`. */
export function formatPlanTable(plan: ProvisionPlan, target: string, paint: Paint, verbose = false): string {
  const lines = [paint.bold(`Plan for ${plan.environment} (${target})`), ""];
  const counts = countPlan(plan);
  const width = Math.max(0, ...plan.items.map((item) => `${itemSchema(item)}.${itemName(item)}`.length));
  for (const kind of ["add", "update", "drop", "conflict", "unmanaged", "unchanged"] as const) {
    if (counts[kind] === 0) continue;
    lines.push(`  ${paint[COLOURS[kind]](`${KIND_HEADINGS[kind]} (${counts[kind]})`)}`);
    if (kind === "unchanged" && !verbose) continue;
    for (const item of plan.items.filter((candidate) => candidate.kind === kind)) {
      const tier = itemTier(item);
      const name = `${itemSchema(item)}.${itemName(item)}`.padEnd(width);
      const detail =
        item.kind === "drop" || item.kind === "unmanaged"
          ? ""
          : `  ${TIER_LABELS[tier ?? "non_pii"].padEnd(7)}  model ${item.view.model}`;
      lines.push(`    ${paint[COLOURS[kind]](SIGNS[kind])} ${name}${detail}`);
    }
  }
  if (plan.items.length === 0) lines.push("  No views: no model is marked /// @exportToAnalytics.");
  lines.push("", summaryLine(counts));
  return lines.join("\n");
}

export function summaryLine(counts: Record<PlanKind, number>): string {
  const parts = [
    `${counts.add} to add`,
    `${counts.update} to update`,
    `${counts.drop} to drop`,
    `${counts.unchanged} unchanged`,
  ];
  if (counts.conflict > 0) parts.push(`${counts.conflict} in conflict`);
  if (counts.unmanaged > 0) parts.push(`${counts.unmanaged} not managed`);
  return `${parts.join(", ")}.`;
}

/** A Markdown form for pasting into a pull request. */
export function formatPlanMarkdown(plan: ProvisionPlan, target: string): string {
  const counts = countPlan(plan);
  const lines = [`### Redshift views: plan for \`${plan.environment}\``, "", `Target: ${target}`, ""];
  const changed = plan.items.filter((item) => item.kind !== "unchanged");
  if (changed.length === 0) {
    lines.push("Nothing to change.");
  } else {
    lines.push("| action | view | tier | model |", "|---|---|---|---|");
    for (const item of changed) {
      const tier = itemTier(item);
      const model = item.kind === "drop" || item.kind === "unmanaged" ? "" : item.view.model;
      lines.push(
        `| ${item.kind} | \`${itemSchema(item)}.${itemName(item)}\` | ${tier === undefined ? "" : TIER_LABELS[tier]} | ${model} |`,
      );
    }
  }
  lines.push("", `**${summaryLine(counts)}** Updated views are empty until \`redshift-views refresh\` runs.`);
  return lines.join("\n");
}

/** The end-of-run summary: every failure with its SQL error. */
export function formatApplySummary(result: ApplyResult, paint: Paint): string {
  const applied = result.outcomes.filter((outcome) => outcome.kind === "applied");
  const failed = result.outcomes.filter(
    (outcome): outcome is Extract<ViewOutcome, { kind: "failed" }> => outcome.kind === "failed",
  );
  const lines = [
    `${paint.green("✔")} ${applied.length} view${applied.length === 1 ? "" : "s"} applied${failed.length > 0 ? `, ${paint.red(`${failed.length} failed`)}` : ""}.`,
  ];
  for (const outcome of failed) {
    lines.push(`  ${paint.red("✖")} ${outcome.schema}.${outcome.name} (${outcome.action}): ${outcome.error}`);
    if (outcome.sql !== undefined) lines.push(`      in: ${firstLine(outcome.sql)}`);
  }
  if (failed.length > 0) {
    lines.push(
      "  → Views that failed keep their previous definition. Fix the cause and run provision again: only they are left in the plan.",
    );
  } else if (applied.some((outcome) => outcome.action !== "drop")) {
    lines.push(
      `  → The rebuilt views are empty until refreshed: redshift-views refresh ${result.environment}`,
    );
  }
  return lines.join("\n");
}

function firstLine(sql: string): string {
  const line = sql.split("\n")[0] ?? "";
  return sql.includes("\n") ? `${line} …` : line;
}
