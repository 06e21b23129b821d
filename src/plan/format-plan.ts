import type { Tier } from "../classification/levels.js";
import type { Paint } from "../text/align-columns.js";
import type { PlanKind } from "./plan.js";
import type { DependentJson, PlanViewJson, ProvisionPlanJson } from "./plan-json.js";

const KIND_HEADINGS: Record<PlanKind, string> = {
  add: "Add",
  update: "Update (DROP + CREATE: recomputed from scratch)",
  comment: "Comments only (COMMENT ON COLUMN: no rebuild, no data change)",
  drop: "Drop (no template any more)",
  conflict: "Conflict (name taken by a relation this project did not create: left alone)",
  unchanged: "Unchanged",
  unmanaged: "Not managed, left alone",
  foreign: "Another project's, left alone",
};

const SIGNS: Record<PlanKind, string> = {
  add: "+",
  update: "~",
  comment: "#",
  drop: "-",
  conflict: "!",
  unchanged: "=",
  unmanaged: "·",
  foreign: "·",
};

const TIER_LABELS: Record<Tier, string> = { non_pii: "non-PII", pii: "PII" };

const COLOURS: Record<PlanKind, keyof Paint> = {
  add: "green",
  update: "yellow",
  comment: "yellow",
  drop: "red",
  conflict: "red",
  unchanged: "dim",
  unmanaged: "dim",
  foreign: "dim",
};

/** The order of the table's sections: what changes first. */
const SECTIONS: readonly PlanKind[] = [
  "add",
  "update",
  "comment",
  "drop",
  "conflict",
  "unmanaged",
  "foreign",
  "unchanged",
];

/** The human form: grouped by action with counts; unchanged views are only counted unless `verbose`. */
export function formatPlanTable(plan: ProvisionPlanJson, paint: Paint, verbose = false): string {
  const lines = [paint.bold(`Plan for ${plan.environment} (${plan.target})`), ""];
  const width = Math.max(0, ...plan.views.map((view) => `${view.schema}.${view.view}`.length));
  for (const kind of SECTIONS) {
    const count = plan.summary[kind];
    if (count === 0) continue;
    lines.push(`  ${paint[COLOURS[kind]](`${KIND_HEADINGS[kind]} (${count})`)}`);
    if (kind === "unchanged" && !verbose) continue;
    for (const view of plan.views.filter((candidate) => candidate.action === kind)) {
      const name = `${view.schema}.${view.view}`.padEnd(width);
      const detail =
        view.tier === undefined
          ? itemNote(view)
          : `  ${TIER_LABELS[view.tier].padEnd(7)}  model ${view.model ?? ""}${grantsDetail(view)}${itemNote(view)}`;
      lines.push(`    ${paint[COLOURS[kind]](SIGNS[kind])} ${name}${detail}`);
      for (const dependent of view.dependents ?? [])
        lines.push(`        ${paint.yellow(`↳ ${dependentLine(dependent)}`)}`);
      if (view.removesGrants !== undefined)
        lines.push(
          `        ${paint.yellow(`↳ the rebuild removes SELECT granted by hand to ${view.removesGrants.join(", ")}`)}`,
        );
    }
  }
  lines.push(...accessLines(plan, paint));
  if (plan.views.length === 0) lines.push("  No views: no model is marked /// @exportToAnalytics.");
  lines.push("", summaryLine(plan.summary));
  return lines.join("\n");
}

/** Why a view is in its section, where the section's heading does not say it all. */
function itemNote(view: PlanViewJson): string {
  if (view.project !== undefined)
    return view.action === "conflict"
      ? `  (a view of project ${view.project})`
      : `  (project ${view.project})`;
  if (view.legacy === true)
    return "  (marked by an earlier version without a project: may be another project's; drop it by hand if it is yours)";
  if (view.reason === "adopt")
    return "  (made by an earlier version: adopted, the marker records this project)";
  return "";
}

/** USAGE on the view schemas: what the run grants and revokes. */
function accessLines(plan: ProvisionPlanJson, paint: Paint): string[] {
  const changes = (plan.access ?? []).filter(
    (access) => access.missing.length > 0 || access.revoke.length > 0,
  );
  const lines: string[] = [];
  if (changes.length > 0) {
    lines.push(`  ${paint.yellow(`Schema access (${changes.length})`)}`);
    for (const access of changes) {
      if (access.missing.length > 0)
        lines.push(`    ${paint.green("+")} USAGE on ${access.schema} to ${access.missing.join(", ")}`);
      if (access.revoke.length > 0)
        lines.push(
          `    ${paint.red("-")} USAGE on ${access.schema} from ${access.revoke.join(", ")} (not configured for it)`,
        );
    }
  }
  if (plan.privilegesComplete === false)
    lines.push(
      `  ${paint.dim("The session cannot see every grant (it is not a superuser and has no SYSLOG ACCESS UNRESTRICTED): nobody's USAGE is revoked, and grants made by hand are not listed.")}`,
    );
  return lines;
}

function grantsDetail(view: PlanViewJson): string {
  const grantees = view.grantees ?? [];
  return grantees.length === 0 ? "  no grants" : `  grants ${grantees.join(", ")}`;
}

/** What the view's DROP does to one dependent, in words. */
function dependentLine(dependent: DependentJson): string {
  const name = `${dependent.schema}.${dependent.view} (${dependent.kind.replace(/_/g, " ")})`;
  const through =
    dependent.through === undefined ? "" : ` through ${dependent.through.schema}.${dependent.through.view}`;
  switch (dependent.effect) {
    case "blocks":
      return `${name} depends on it${through}: the view is refused unless --cascade (or drop ${dependent.view} first)`;
    case "dropped_with_it":
      return `${name} will be DROPPED with it (--cascade)`;
    case "unaffected":
      return `${name} reads it late-bound: unaffected by the DROP`;
  }
}

function summaryLine(counts: Record<PlanKind, number>): string {
  const parts = [
    `${counts.add} to add`,
    `${counts.update} to update`,
    `${counts.drop} to drop`,
    `${counts.unchanged} unchanged`,
  ];
  if (counts.comment > 0) parts.splice(2, 0, `${counts.comment} to comment`);
  if (counts.conflict > 0) parts.push(`${counts.conflict} in conflict`);
  if (counts.unmanaged > 0) parts.push(`${counts.unmanaged} not managed`);
  if (counts.foreign > 0) parts.push(`${counts.foreign} of other projects`);
  return `${parts.join(", ")}.`;
}

/** A Markdown form for pasting into a pull request. */
export function formatPlanMarkdown(plan: ProvisionPlanJson): string {
  const lines = [`### Redshift views: plan for \`${plan.environment}\``, "", `Target: ${plan.target}`, ""];
  const changed = plan.views.filter((view) => view.action !== "unchanged" && view.action !== "foreign");
  if (changed.length === 0) {
    lines.push("Nothing to change.");
  } else {
    lines.push("| action | view | tier | model | grants | dependents |", "|---|---|---|---|---|---|");
    for (const view of changed) {
      const grants = (view.grantees ?? []).map((grantee) => `\`${grantee}\``).join(", ");
      const dependents = (view.dependents ?? []).map(dependentLine).join("<br>");
      lines.push(
        `| ${view.action} | \`${view.schema}.${view.view}\` | ${view.tier === undefined ? "" : TIER_LABELS[view.tier]} | ${view.model ?? ""} | ${grants} | ${dependents} |`,
      );
    }
  }
  lines.push(
    "",
    `**${summaryLine(plan.summary)}** Updated views are dropped and recreated, each in one transaction that recomputes them from the whole source: readers wait while it runs.`,
  );
  return lines.join("\n");
}
