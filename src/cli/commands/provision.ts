import { defineCommand } from "citty";
import { describeTarget } from "../../config/index.js";
import { RedshiftViewsError } from "../../errors.js";
import { applyPlan, applySucceeded } from "../../provision/apply.js";
import {
  formatApplySummary,
  formatPlanMarkdown,
  formatPlanTable,
  planToJson,
} from "../../provision/format-plan.js";
import { countPlan, hasChanges } from "../../provision/plan.js";
import { buildPlan } from "../../provision/provision.js";
import { acquireProvisionLock, type ProvisionLock } from "../../safety/provision-lock.js";
import {
  openCommandSession,
  schemaArgs,
  warehouseArgs,
  warnIfHistoryFailed,
  warnIfTemplatesDrifted,
} from "../args.js";
import type { CliIo } from "../io.js";
import { isTruthy, progressReporter } from "../progress.js";

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
    const cascade = args.cascade === true;
    const interrupt = interruptSignal(io);
    const session = await openCommandSession(io, args);
    let lock: ProvisionLock | undefined;
    try {
      const target = describeTarget(session.target);
      // Taken before planning, so the plan shown is the one applied; a dry run only reads.
      if (!dryRun)
        lock = await acquireProvisionLock(session.warehouse, {
          environment: session.environment,
          force: args.force === true,
        });
      await warnIfTemplatesDrifted(io, session);
      const { plan } = await buildPlan(session);
      const json = planToJson(plan, target, cascade);
      const conflicts = plan.items.filter((item) => item.kind === "conflict").length;
      if (args.json === true) {
        if (dryRun || !hasChanges(plan) || (args.yes !== true && !io.interactive)) {
          io.stdout(JSON.stringify(json, null, 2));
        }
      } else if (args.format === "md") {
        io.stdout(formatPlanMarkdown(plan, target, cascade));
      } else {
        io.stdout(formatPlanTable(plan, target, io.colors, io.verbosity === "verbose", cascade));
      }
      if (dryRun) {
        if (io.verbosity !== "quiet")
          io.stderr(io.colors.dim("Dry run: nothing was submitted to the warehouse."));
        return 0;
      }
      if (!hasChanges(plan)) {
        io.stderr(
          conflicts === 0
            ? "Nothing to apply: every view matches its template."
            : `Nothing to apply, but ${conflicts} view name${conflicts === 1 ? " is" : "s are"} taken by relations this tool did not create (listed above): drop or rename them, then run provision again.`,
        );
        return conflicts > 0 ? 1 : 0;
      }
      if (args.yes !== true) {
        if (!io.interactive) {
          throw new RedshiftViewsError(
            "E_CONFIRMATION_REQUIRED",
            "Refusing to apply without confirmation: no terminal to ask on.",
            {
              hint: `Review the plan (DRY_RUN=1 or --dry-run), then run again with --yes: redshift-views provision ${plan.environment} --yes`,
            },
          );
        }
        if (!(await io.confirm("Proceed?"))) {
          io.stderr("Nothing was applied.");
          return 1;
        }
      }
      const counts = countPlan(plan);
      const progress = progressReporter(
        io,
        "Applying",
        counts.add + counts.update + counts.drop + counts.conflict,
      );
      const result = await applyPlan(session.warehouse, plan, {
        cascade,
        signal: interrupt.signal,
        concurrency: session.config.concurrency,
        onOutcome: (outcome) =>
          progress.step(
            `${outcome.kind === "applied" ? io.colors.green("✔") : io.colors.red("✖")} ${outcome.action} ${outcome.schema}.${outcome.name}${outcome.kind === "applied" || outcome.kind === "failed" ? "" : ` (${outcome.kind.replace("_", " ")})`}`,
          ),
      });
      progress.done();
      if (args.json === true) io.stdout(JSON.stringify({ ...json, result }, null, 2));
      io.stderr(formatApplySummary(result, io.colors));
      warnIfHistoryFailed(io, session.environment, result.history);
      if (result.interrupted) return INTERRUPTED_EXIT_CODE;
      return applySucceeded(result) ? 0 : 1;
    } finally {
      interrupt.dispose();
      try {
        if (lock !== undefined && !(await lock.release()))
          io.stderr(
            `The provisioning lock of ${session.environment} had been taken over (--force) by another run.`,
          );
      } catch {
        io.stderr(
          `Could not release the provisioning lock of ${session.environment}; the next run will need --force.`,
        );
      } finally {
        await session.close();
      }
    }
  },
});

/** What a shell reports for a process stopped by SIGINT. */
export const INTERRUPTED_EXIT_CODE = 130;

/**
 * The abort signal of an apply: the io's (tests), or one tied to SIGINT for the duration of the
 * command. A second Ctrl-C exits at once.
 */
function interruptSignal(io: CliIo): { signal: AbortSignal; dispose: () => void } {
  if (io.signal !== undefined) return { signal: io.signal, dispose: () => {} };
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(INTERRUPTED_EXIT_CODE);
    io.stderr(
      "Interrupted: submitting nothing more; waiting briefly for statements in flight (Ctrl-C again to quit now).",
    );
    controller.abort();
  };
  process.on("SIGINT", onSigint);
  return { signal: controller.signal, dispose: () => process.off("SIGINT", onSigint) };
}
