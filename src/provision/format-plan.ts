import type { Tier } from "../classification/levels.js";
import type { Paint } from "../text/align-columns.js";
import { type ApplyResult, describeDependents, type ViewOutcome, type ViewOutcomeKind } from "./apply.js";
import type { Dependent } from "./dependents.js";
import type { DesiredView } from "./desired-views.js";
import {
  countPlan,
  itemDependents,
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
  /** Whether bound dependents are dropped with the views (`--cascade`) rather than blocking them. */
  readonly cascade: boolean;
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
  /** The GRANT statements run in the view's transaction (add, update, unchanged, conflict). */
  readonly grants?: readonly string[];
  /** Objects reading the view (update, drop) and what its DROP does to them. */
  readonly dependents?: readonly DependentJson[];
}

export type DependentEffect = "blocks" | "dropped_with_it" | "unaffected";

export interface DependentJson {
  readonly schema: string;
  readonly view: string;
  readonly kind: Dependent["kind"];
  readonly effect: DependentEffect;
}

/** What a DROP of the view does to one dependent. */
export function dependentEffect(dependent: Dependent, cascade: boolean): DependentEffect {
  if (dependent.kind === "late_binding_view") return "unaffected";
  return cascade ? "dropped_with_it" : "blocks";
}

export function planToJson(plan: ProvisionPlan, target: string, cascade = false): ProvisionPlanJson {
  return {
    version: 1,
    environment: plan.environment,
    target,
    summary: countPlan(plan),
    cascade,
    schemas: plan.schemas,
    views: plan.items.map((item) => itemToJson(item, cascade)),
  };
}

function itemToJson(item: PlanItem, cascade: boolean): PlanViewJson {
  const dependents = itemDependents(item).map(
    (dependent): DependentJson => ({
      schema: dependent.schema,
      view: dependent.name,
      kind: dependent.kind,
      effect: dependentEffect(dependent, cascade),
    }),
  );
  const withDependents = dependents.length > 0 ? { dependents } : {};
  switch (item.kind) {
    case "add":
    case "unchanged":
    case "conflict":
      return { action: item.kind, ...viewFields(item.view) };
    case "update":
      return { action: item.kind, ...viewFields(item.view), storedHash: item.storedHash, ...withDependents };
    case "drop":
      return {
        action: item.kind,
        schema: item.schema,
        view: item.name,
        storedHash: item.storedHash,
        ...withDependents,
      };
    case "unmanaged":
      return { action: item.kind, schema: item.schema, view: item.name };
  }
}

/** `GROUP "analysts"` from `GRANT SELECT ON … TO GROUP "analysts";`. */
export function granteesOf(view: DesiredView): string[] {
  return view.grants.map((grant) => grant.replace(/^.* TO /s, "").replace(/;$/, ""));
}

/** One line per dependent, saying what the view's DROP does to it. */
function dependentLines(item: PlanItem, cascade: boolean): string[] {
  return itemDependents(item).map((dependent) => dependentLine(dependent, cascade));
}

function dependentLine(dependent: Dependent, cascade: boolean): string {
  const name = `${dependent.schema}.${dependent.name} (${dependent.kind.replace(/_/g, " ")})`;
  switch (dependentEffect(dependent, cascade)) {
    case "blocks":
      return `↳ ${name} depends on it: the view is refused unless --cascade (or drop ${dependent.name} first)`;
    case "dropped_with_it":
      return `↳ ${name} will be DROPPED with it (--cascade)`;
    case "unaffected":
      return `↳ ${name} reads it late-bound: unaffected by the DROP`;
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
  update: "Update (DROP + CREATE: recomputed from scratch)",
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

const COLOURS: Record<PlanKind, keyof Paint> = {
  add: "green",
  update: "yellow",
  drop: "red",
  conflict: "red",
  unchanged: "dim",
  unmanaged: "dim",
};

/** The human form: grouped by action with counts; unchanged views are only counted unless `verbose`. */
export function formatPlanTable(
  plan: ProvisionPlan,
  target: string,
  paint: Paint,
  verbose = false,
  cascade = false,
): string {
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
          : `  ${TIER_LABELS[tier ?? "non_pii"].padEnd(7)}  model ${item.view.model}${grantsDetail(item.view)}`;
      lines.push(`    ${paint[COLOURS[kind]](SIGNS[kind])} ${name}${detail}`);
      for (const line of dependentLines(item, cascade)) lines.push(`        ${paint.yellow(line)}`);
    }
  }
  if (plan.items.length === 0) lines.push("  No views: no model is marked /// @exportToAnalytics.");
  lines.push("", summaryLine(counts));
  return lines.join("\n");
}

function grantsDetail(view: DesiredView): string {
  const grantees = granteesOf(view);
  return grantees.length === 0 ? "  no grants" : `  grants ${grantees.join(", ")}`;
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
export function formatPlanMarkdown(plan: ProvisionPlan, target: string, cascade = false): string {
  const counts = countPlan(plan);
  const lines = [`### Redshift views: plan for \`${plan.environment}\``, "", `Target: ${target}`, ""];
  const changed = plan.items.filter((item) => item.kind !== "unchanged");
  if (changed.length === 0) {
    lines.push("Nothing to change.");
  } else {
    lines.push("| action | view | tier | model | grants | dependents |", "|---|---|---|---|---|---|");
    for (const item of changed) {
      const tier = itemTier(item);
      const model = item.kind === "drop" || item.kind === "unmanaged" ? "" : item.view.model;
      const grants =
        item.kind === "drop" || item.kind === "unmanaged"
          ? ""
          : granteesOf(item.view)
              .map((grantee) => `\`${grantee}\``)
              .join(", ");
      const dependents = dependentLines(item, cascade)
        .map((line) => line.replace(/^↳ /, ""))
        .join("<br>");
      lines.push(
        `| ${item.kind} | \`${itemSchema(item)}.${itemName(item)}\` | ${tier === undefined ? "" : TIER_LABELS[tier]} | ${model} | ${grants} | ${dependents} |`,
      );
    }
  }
  lines.push(
    "",
    `**${summaryLine(counts)}** Updated views are dropped and recreated, each in one transaction: readers wait while their data is recomputed.`,
  );
  return lines.join("\n");
}

/** The end-of-run summary: every view that is not as planned, and what to run next. */
export function formatApplySummary(result: ApplyResult, paint: Paint): string {
  const counts: Record<ViewOutcomeKind, number> = { applied: 0, failed: 0, not_submitted: 0, unknown: 0 };
  for (const outcome of result.outcomes) counts[outcome.kind]++;
  const applied = result.outcomes.filter((outcome) => outcome.kind === "applied");
  const failed = result.outcomes.filter(
    (outcome): outcome is Extract<ViewOutcome, { kind: "failed" }> => outcome.kind === "failed",
  );
  const extra = [
    counts.failed > 0 ? paint.red(`${counts.failed} failed`) : "",
    counts.unknown > 0 ? paint.yellow(`${counts.unknown} unknown (submitted, result not seen)`) : "",
    counts.not_submitted > 0 ? paint.yellow(`${counts.not_submitted} not submitted`) : "",
  ].filter((part) => part !== "");
  const lines = [
    `${result.interrupted ? paint.yellow("Interrupted: ") : ""}${paint.green("✔")} ${applied.length} view${applied.length === 1 ? "" : "s"} applied${extra.length > 0 ? `, ${extra.join(", ")}` : ""}.`,
  ];
  for (const outcome of result.outcomes) {
    const view = `${outcome.schema}.${outcome.name} (${outcome.action})`;
    switch (outcome.kind) {
      case "applied":
        if (outcome.cascaded !== undefined)
          lines.push(
            `  ${paint.yellow("!")} ${view}: dropped with it: ${describeDependents(outcome.cascaded)}`,
          );
        break;
      case "failed":
        lines.push(`  ${paint.red("✖")} ${view}: ${outcome.error}`);
        if (outcome.sql !== undefined) lines.push(`      in: ${firstLine(outcome.sql)}`);
        break;
      case "unknown":
        lines.push(
          `  ${paint.yellow("?")} ${view}: submitted; ${outcome.reason}. It is either as it was or as planned.`,
        );
        break;
      case "not_submitted":
        lines.push(`  ${paint.dim("·")} ${view}: not submitted; unchanged.`);
        break;
    }
  }
  if (counts.unknown > 0 || counts.not_submitted > 0) {
    lines.push(
      `  → Each view is rebuilt in its own transaction, so none is half-built. Re-run to finish; the plan will show exactly what is left: redshift-views provision ${result.environment}`,
    );
  } else if (failed.length > 0) {
    lines.push(
      "  → Views that failed keep their previous definition. Fix the cause and run provision again: only they are left in the plan.",
    );
  } else if (applied.some((outcome) => outcome.action !== "drop")) {
    lines.push(
      `  → Rebuilt views hold the data replicated when they were created; bring them up to date later with: redshift-views refresh ${result.environment}`,
    );
  }
  return lines.join("\n");
}

function firstLine(sql: string): string {
  const line = sql.split("\n")[0] ?? "";
  return sql.includes("\n") ? `${line} …` : line;
}
