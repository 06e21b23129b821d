// Provisions an environment from a script (a Lambda, a deploy job, a test) with the library alone:
// node examples/provision-from-code.mjs [environment] [project folder]
import { plan, provision } from "prisma-redshift-views";

const environment = process.argv[2] ?? "development";
const cwd = process.argv[3] ?? process.cwd();
const onEvent = (event) => {
  if (event.kind === "warning") console.error(`! ${event.message}`);
  if (event.kind === "outcome")
    console.error(`${event.done}/${event.total} ${event.outcome.kind} ${event.outcome.name}`);
};

// Applies without asking: pass `confirm: (plan) => …` to decide from the plan, `dryRun: true` to only plan.
const report = await provision({ cwd, environment, onEvent });
const failed = report.result?.outcomes.filter((outcome) => outcome.kind !== "applied") ?? [];
console.log(JSON.stringify({ planned: report.summary, failed }));

const after = await plan({ cwd, environment });
console.log(JSON.stringify({ after: after.summary }));
process.exitCode = failed.length === 0 && after.summary.unchanged === after.views.length ? 0 : 1;
