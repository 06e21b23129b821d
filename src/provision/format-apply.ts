import type { Paint } from "../text/align-columns.js";
import type { ApplyResult } from "./apply.js";
import { describeDependents, type ViewOutcome, type ViewOutcomeKind } from "./outcome.js";

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
        if (outcome.commentsError !== undefined)
          lines.push(
            `  ${paint.yellow("!")} ${view}: rebuilt, but not all of its column comments were applied (${outcome.commentsError}); the next provision applies them.`,
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
