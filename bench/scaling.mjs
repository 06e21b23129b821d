// Benchmark 4: Data API calls (the warehouse client's `stats.calls`, per operation) for the plan's
// catalog read, for `status`'s reads, and for applying, as the number of views grows.
import path from "node:path";
import { repo } from "./lib.mjs";
import { benchProject, callsSince, totalCalls } from "./warehouse.mjs";

const { buildPlan } = await import(path.join(repo, "dist/provision/provision.js"));
const { applyPlan, failedOutcomes } = await import(path.join(repo, "dist/provision/apply.js"));
const { readStatus } = await import(path.join(repo, "dist/status/read-status.js"));
const { statementNamePrefix } = await import(path.join(repo, "dist/warehouse/index.js"));

/** Counts the calls `work(warehouse)` makes on a fresh client. */
async function counted(env, work) {
  const warehouse = env.warehouse();
  const value = await work(warehouse);
  return { value, calls: { ...warehouse.stats.calls } };
}

/** Statements of the operation history's writes so far (listed on a client of its own, so not counted). */
async function historyWrites(env) {
  return (await env.warehouse().listStatements({ namePrefix: statementNamePrefix(env.name, "history") }))
    .length;
}

async function apply(env, prepared, warehouse) {
  const { plan } = await buildPlan(env.session(prepared, warehouse));
  const before = { ...warehouse.stats.calls };
  const writesBefore = await historyWrites(env);
  const result = await applyPlan(warehouse, plan);
  const failed = failedOutcomes(result);
  if (failed.length > 0) throw new Error(`${failed.length} views failed, e.g. ${failed[0].error}`);
  if (result.history.kind !== "recorded") throw new Error(`history not written: ${result.history.error}`);
  const changed = plan.items.filter((item) => item.kind === "add" || item.kind === "update").length;
  const calls = callsSince(before, warehouse.stats.calls);
  // Each history batch: one BatchExecuteStatement, polled until done.
  const history = (await historyWrites(env)) - writesBefore;
  return { changed, calls, historyBatches: history };
}

async function scaleOnce(lab, views) {
  const project = benchProject({ models: views / 2, fields: 10 });
  try {
    const prepared = await project.prepare();
    if (prepared.specs.length !== views)
      throw new Error(`expected ${views} views, got ${prepared.specs.length}`);
    const env = await lab.environment(`scale_${views}`, prepared);
    const full = await counted(env, (warehouse) => apply(env, prepared, warehouse));
    const plan = await counted(env, (warehouse) => buildPlan(env.session(prepared, warehouse)));
    const unchanged = plan.value.plan.items.filter((item) => item.kind === "unchanged").length;
    if (unchanged !== views) throw new Error(`expected ${views} unchanged views, got ${unchanged}`);
    const status = await counted(env, (warehouse) => readStatus(env.session(prepared, warehouse)));
    if (status.value.rows.length !== views)
      throw new Error(`expected ${views} status rows, got ${status.value.rows.length}`);
    const result = {
      views,
      planCalls: plan.calls,
      statusCalls: status.calls,
      applyCalls: full.value.calls,
      applyChanged: full.value.changed,
      applyHistoryBatches: full.value.historyBatches,
    };
    if (views >= 500) {
      // Reclassify one field of one model: only that model's view(s) change.
      project.edit((text) =>
        text.replace(
          /(model Model1 \{[^}]*?)\/\/\/ @classification public/,
          "$1/// @classification highly_restricted",
        ),
      );
      const edited = await project.prepare();
      const again = await counted(env, (warehouse) => apply(env, edited, warehouse));
      result.changeOneCalls = again.value.calls;
      result.changeOneViews = again.value.changed;
      result.changeOneHistoryBatches = again.value.historyBatches;
    }
    return result;
  } finally {
    project.remove();
  }
}

export async function benchScaling(lab, sizes = [6, 50, 500]) {
  const runs = [];
  for (const views of sizes) runs.push(await scaleOnce(lab, views));
  return { runs };
}

const fmt = (calls) =>
  Object.entries(calls)
    .map(([operation, count]) => `${operation.replace("Statement", "").replace("Execute", "Exec")} ${count}`)
    .join(", ");

export function describeScaling({ runs }) {
  const sizes = runs.map((run) => run.views).join("/");
  const totals = (pick) => runs.map((run) => totalCalls(pick(run)));
  const constant = (benchmark, pick) => {
    const calls = totals(pick);
    return {
      benchmark,
      measured: `${calls.join(" / ")} calls`,
      ratio: Math.max(...calls) / Math.min(...calls),
      limit: 1,
      target: "constant (max/min 1.00)",
    };
  };
  const rows = [
    constant(`plan read at ${sizes} views (catalog query)`, (run) => run.planCalls),
    ...runs.map((run) => ({ benchmark: `  at ${run.views} views`, measured: fmt(run.planCalls) })),
    constant(
      `status reads at ${sizes} views (catalog + SVV_MV_INFO + operation history)`,
      (run) => run.statusCalls,
    ),
    ...runs.map((run) => ({ benchmark: `  at ${run.views} views`, measured: fmt(run.statusCalls) })),
  ];
  // Fixed costs of an apply: the schema batch and each history batch (submit + one poll each).
  const fixed = (historyBatches) => 2 + 2 * historyBatches;
  const perViewOf = (run) => (totalCalls(run.applyCalls) - fixed(run.applyHistoryBatches)) / run.applyChanged;
  rows.push({
    benchmark: `apply at ${sizes} views added`,
    measured: `${totals((run) => run.applyCalls).join(" / ")} calls (2 for the schema batch, 2 per history batch: ${runs.map((run) => run.applyHistoryBatches).join(" / ")}; ${runs.map((run) => perViewOf(run).toFixed(2)).join(" / ")} per view)`,
  });
  const big = runs.find((run) => run.changeOneCalls !== undefined);
  if (big !== undefined) {
    // What applying that many views costs: the fixed calls plus the per-view calls of the full apply.
    const expected = fixed(big.changeOneHistoryBatches) + big.changeOneViews * perViewOf(big);
    rows.push({
      benchmark: `apply after reclassifying 1 model among ${big.views} views (${big.changeOneViews} views change)`,
      measured: `${totalCalls(big.changeOneCalls)} calls (${fmt(big.changeOneCalls)}) vs ${expected.toFixed(0)} for ${big.changeOneViews} views`,
      ratio: totalCalls(big.changeOneCalls) / expected,
      limit: 1.5,
      target: `≈ ${big.changeOneViews} views' calls (≤ 1.5×)`,
    });
  }
  return rows;
}
