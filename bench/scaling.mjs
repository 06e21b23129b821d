// Benchmark 4: scale. Data API calls (every request the SDK client sends, by operation) for `plan` and
// `status` as the number of views grows, from a few views past the emulator's result page size
// (1,000 rows a GetStatementResult page, src/emulator/statement-results.ts); the time and peak memory
// of the CLI process provisioning each size on its embedded emulator (no injected latency); and the
// calls of a provision that changes one model among the most views.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { countedClient } from "./data-api-client.mjs";
import { formatMs, repo, tempProject, timeCommand } from "./lib.mjs";
import { synthesizeSchema } from "./synthesize-schema.mjs";

const { plan, provision, status } = await import(path.join(repo, "dist/index.js"));
const { startEmulator } = await import(path.join(repo, "dist/emulator/index.js"));

/**
 * One size: the CLI provisions a fresh project of `views` views on its embedded emulator in a process
 * of its own (time, peak RSS); then that warehouse (the emulator's data folder) is opened here and
 * `plan`, `status` and, when `changeOne`, a provision after reclassifying one field of one model run
 * through the library API, each on a client of its own that counts its calls.
 */
async function scaleOnce(views, { changeOne }) {
  const environment = "development";
  const cwd = tempProject(
    "scale",
    synthesizeSchema({ models: views / 2, fields: 10, generator: "prisma-redshift-views" }),
  );
  try {
    const cli = (args) => {
      const file = path.join(cwd, "rss.txt");
      writeFileSync(file, "");
      const ms = timeCommand(
        process.execPath,
        [path.join(repo, "bench/measure-rss.mjs"), path.join(repo, "dist/cli/bin.js"), ...args],
        { cwd, env: { ...process.env, BENCH_RSS_FILE: file, NO_COLOR: "1" } },
      );
      return { ms, peakRssMb: Number(readFileSync(file, "utf8").trim()) / 1024 };
    };
    const provisioned = cli(["provision", environment, "--yes"]);
    const statusCli = cli(["status", environment]);
    const emulator = await startEmulator({ dataDir: path.join(cwd, ".redshift-views", environment) });
    const clients = [];
    try {
      const counted = async (work) => {
        const client = countedClient(emulator.endpoint);
        clients.push(client);
        const started = performance.now();
        const value = await work({ cwd, environment, client, env: {} });
        return { value, ms: performance.now() - started, calls: { ...client.calls } };
      };
      const planned = await counted(plan);
      const unchanged = planned.value.views.filter((view) => view.action === "unchanged").length;
      if (unchanged !== views) throw new Error(`expected ${views} unchanged views, got ${unchanged}`);
      const read = await counted(status);
      if (read.value.views.length !== views)
        throw new Error(`expected ${views} status rows, got ${read.value.views.length}`);
      if (read.value.history !== "recorded") throw new Error(`status read no history: ${read.value.history}`);
      const result = {
        views,
        cliProvision: provisioned,
        cliStatus: statusCli,
        planMs: planned.ms,
        planCalls: planned.calls,
        statusMs: read.ms,
        statusCalls: read.calls,
      };
      if (changeOne) {
        // Reclassify one field of one model: only that model's views change.
        const schemaPath = path.join(cwd, "prisma/schema.prisma");
        writeFileSync(
          schemaPath,
          readFileSync(schemaPath, "utf8").replace(
            /(model Model1 \{[^}]*?)\/\/\/ @classification public/,
            "$1/// @classification highly_restricted",
          ),
        );
        const again = await counted(provision);
        result.changeOneCalls = again.calls;
        result.changeOneViews = again.value.result?.outcomes.filter(
          (outcome) => outcome.kind === "applied",
        ).length;
      }
      return result;
    } finally {
      for (const client of clients) client.destroy();
      await emulator.stop();
    }
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

export async function benchScaling(sizes = [6, 50, 2000]) {
  const runs = [];
  for (const views of sizes) runs.push(await scaleOnce(views, { changeOne: views === sizes.at(-1) }));
  return { runs };
}

/** The lock's in-flight check, its batch (submit, poll, result) and its release (submit, poll). */
const lockCalls = 1 + 3 + 2;
/** The dependents of rebuilt views: two queries (submit, poll, result each). */
const dependentsCalls = 2 * 3;

export function totalCalls(calls) {
  return Object.values(calls).reduce((sum, count) => sum + count, 0);
}

/**
 * Result pages beyond those of the smallest size: every size runs the same queries (checked: the same
 * ExecuteStatement count), so GetStatementResult calls beyond the smallest size's are further pages.
 */
function extraPages(runs, pick) {
  const smallest = pick(runs[0]);
  return runs.map((run) => {
    const calls = pick(run);
    if ((calls.ExecuteStatementCommand ?? 0) !== (smallest.ExecuteStatementCommand ?? 0))
      throw new Error(`${run.views} views ran other queries than ${runs[0].views}: ${JSON.stringify(calls)}`);
    return (calls.GetStatementResultCommand ?? 0) - (smallest.GetStatementResultCommand ?? 0);
  });
}

const fmt = (calls) =>
  Object.entries(calls)
    .map(
      ([operation, count]) =>
        `${operation
          .replace(/Command$/, "")
          .replace("Statement", "")
          .replace("Execute", "Exec")} ${count}`,
    )
    .join(", ");

export function describeScaling({ runs }) {
  const sizes = runs.map((run) => run.views).join(" / ");
  const constant = (what, pick) => {
    const calls = runs.map((run) => totalCalls(pick(run)));
    const pages = extraPages(runs, pick);
    const beyond = calls.map((count, index) => count - pages[index]);
    return [
      {
        benchmark: `${what} at ${sizes} views`,
        measured: `${calls.join(" / ")} calls, of which extra result pages ${pages.join(" / ")}`,
        ratio: Math.max(...beyond) / Math.min(...beyond),
        limit: 1,
        target: "constant but for result pages",
      },
      ...runs.map((run) => ({ benchmark: `  at ${run.views} views`, measured: fmt(pick(run)) })),
    ];
  };
  const largest = runs.at(-1);
  const rows = [
    ...constant("plan: Data API calls", (run) => run.planCalls),
    ...constant("status: Data API calls", (run) => run.statusCalls),
    ...runs.map((run) => ({
      benchmark: `CLI at ${run.views} views, a fresh process with its embedded emulator: provision / status`,
      measured: `${formatMs(run.cliProvision.ms)}, peak RSS ${run.cliProvision.peakRssMb.toFixed(0)} MB / ${formatMs(run.cliStatus.ms)}, peak RSS ${run.cliStatus.peakRssMb.toFixed(0)} MB`,
    })),
    {
      benchmark: `library plan / status at ${largest.views} views, no injected latency`,
      measured: `${formatMs(largest.planMs)} / ${formatMs(largest.statusMs)}`,
    },
  ];
  if (largest.changeOneCalls !== undefined) {
    // What a change of that many views needs: the plan's reads, the dependents of the rebuilt views,
    // the lock, one batch per view (submit + poll) and the history's batch (submit + poll).
    const submitted =
      (largest.changeOneCalls.BatchExecuteStatementCommand ?? 0) +
      (largest.changeOneCalls.ExecuteStatementCommand ?? 0);
    const expected =
      totalCalls(largest.planCalls) + dependentsCalls + lockCalls + 2 * largest.changeOneViews + 2;
    rows.push({
      benchmark: `provision after reclassifying 1 model among ${largest.views} views (${largest.changeOneViews} views change)`,
      measured: `${totalCalls(largest.changeOneCalls)} calls (${fmt(largest.changeOneCalls)}; ${submitted} statements) vs ${expected} for the reads, the lock and ${largest.changeOneViews} views`,
      ratio: totalCalls(largest.changeOneCalls) / expected,
      limit: 1.5,
      target: `≈ ${largest.changeOneViews} views' calls (≤ 1.5×)`,
    });
  }
  return rows;
}
