import { defineCommand } from "citty";
import { formatPlanMarkdown, formatPlanTable } from "../../plan/format-plan.js";
import type { ProvisionPlanJson } from "../../plan/plan-json.js";
import { applySucceeded } from "../../provision/apply.js";
import { formatApplySummary } from "../../provision/format-apply.js";
import { provision } from "../../provision/provision.js";
import { printSessionEvent, schemaArgs, warehouseArgs, warehouseOptions } from "../args.js";
import { confirmChange } from "../confirm.js";
import type { CliIo } from "../io.js";
import { isTruthy, type Progress, progressReporter } from "../progress.js";
import { INTERRUPTED_EXIT_CODE, interruptSignal } from "./interrupt.js";

export const provisionCommand = defineCommand({
  meta: {
    name: "provision",
    description:
      "Regenerate, plan Add/Update/Drop against the warehouse, and apply: DROP + CREATE only the views whose DDL changed",
  },
  args: {
    ...warehouseArgs,
    ...schemaArgs,
    "dry-run": {
      type: "boolean",
      description: "Print the plan and submit nothing (same as DRY_RUN=1)",
    },
    yes: { type: "boolean", alias: ["y"], description: "Apply without asking (required without a terminal)" },
    json: { type: "boolean", description: "Print the plan (and the result) as JSON on stdout" },
    format: {
      type: "enum",
      options: ["table", "md"],
      description: "Plan format: table for people, md for a pull request comment",
      default: "table",
    },
    cascade: {
      type: "boolean",
      description:
        "Drop views and materialized views that depend on a rebuilt/dropped view with it (DROP … CASCADE)",
    },
    force: {
      type: "boolean",
      description: "Provision even if another run holds the environment's lock or has statements in flight",
    },
  },
  async run({ args, data }) {
    const io = data as CliIo;
    const dryRun = args["dry-run"] === true || isTruthy(io.env.DRY_RUN);
    const json = args.json === true;
    const interrupt = interruptSignal(
      io,
      "Interrupted: submitting nothing more; waiting briefly for statements in flight (Ctrl-C again to quit now).",
    );
    let planned: ProvisionPlanJson | undefined;
    let progress: Progress | undefined;
    try {
      const report = await provision({
        ...warehouseOptions(io, args),
        dryRun,
        cascade: args.cascade === true,
        force: args.force === true,
        signal: interrupt.signal,
        confirm: (plan) =>
          confirmChange(io, {
            yes: args.yes === true,
            rerun: `redshift-views provision ${plan.environment}`,
          }),
        onEvent: (event) => {
          switch (event.kind) {
            case "planned":
              planned = event.plan;
              if (json) return;
              io.stdout(
                args.format === "md"
                  ? formatPlanMarkdown(event.plan)
                  : formatPlanTable(event.plan, io.colors, io.verbosity === "verbose"),
              );
              return;
            case "applying":
              progress = progressReporter(io, "Applying", event.total);
              return;
            case "outcome": {
              const { outcome } = event;
              const mark = outcome.kind === "applied" ? io.colors.green("✔") : io.colors.red("✖");
              const note =
                outcome.kind === "applied" || outcome.kind === "failed"
                  ? ""
                  : ` (${outcome.kind.replace("_", " ")})`;
              progress?.step(`${mark} ${outcome.action} ${outcome.schema}.${outcome.name}${note}`);
              return;
            }
            default:
              printSessionEvent(io, event);
          }
        },
      });
      progress?.done();
      if (json) io.stdout(JSON.stringify(report, null, 2));
      if (report.dryRun) {
        if (io.verbosity !== "quiet")
          io.stderr(io.colors.dim("Dry run: nothing was submitted to the warehouse."));
        return 0;
      }
      if (report.declined === true) return 1;
      const { result } = report;
      if (result === undefined) {
        const conflicts = report.summary.conflict;
        io.stderr(
          conflicts === 0
            ? "Nothing to apply: every view matches its template."
            : `Nothing to apply, but ${conflicts} view name${conflicts === 1 ? " is" : "s are"} taken by relations this tool did not create (listed above): drop or rename them, then run provision again.`,
        );
        return conflicts > 0 ? 1 : 0;
      }
      io.stderr(formatApplySummary(result, io.colors));
      if (result.interrupted) return INTERRUPTED_EXIT_CODE;
      return applySucceeded(result) ? 0 : 1;
    } catch (error) {
      // The plan was computed before the refusal: a script asking for JSON still gets it.
      if (json && planned !== undefined) io.stdout(JSON.stringify(planned, null, 2));
      throw error;
    } finally {
      progress?.done();
      interrupt.dispose();
    }
  },
});
