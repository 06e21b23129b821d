// Benchmark 3: provisioning orchestration. 200 views to add against the emulator with an injected
// statement latency; wall time vs the ideal (schema batch + ceil(view batches / concurrency cap) +
// history write) × latency, and the sequential baseline (one view at a time, as the original did).
import path from "node:path";
import { formatMs, repo } from "./lib.mjs";
import { benchProject, callsSince } from "./warehouse.mjs";

const { buildPlan } = await import(path.join(repo, "dist/provision/provision.js"));
const { applyPlan, failedOutcomes } = await import(path.join(repo, "dist/provision/apply.js"));
const { DEFAULT_CONCURRENCY } = await import(path.join(repo, "dist/config/index.js"));
const { statementNamePrefix } = await import(path.join(repo, "dist/warehouse/index.js"));
const { HISTORY_SETUPS } = await import(path.join(repo, "dist/history/history-table.js"));

const mean = (values) => values.reduce((sum, value) => sum + value, 0) / values.length;

/**
 * In a fresh environment: plan against nothing (no latency), then apply with `latencyMs` injected.
 * Only the apply is timed; each batch's time is split into the emulator's part (created → finished,
 * from its statement records) and the client's part (finished → noticed by polling).
 */
async function provisionOnce(lab, prepared, environment, { latencyMs, views, ...warehouseOptions }) {
  const sample = { ...prepared, specs: prepared.specs.slice(0, views) };
  const env = await lab.environment(environment, sample);
  const noticed = new Map();
  const warehouse = env.warehouse({
    ...warehouseOptions,
    onProgress: (event) => {
      if (event.kind === "completed") noticed.set(event.outcome.id, Date.now());
    },
  });
  const { plan } = await buildPlan(env.session(sample, warehouse));
  // The steady state: the operation history's table exists (the first run ever also creates it).
  await warehouse.executeBatch(HISTORY_SETUPS.at(-1), { name: "bench-setup" });
  const adds = plan.items.filter((item) => item.kind === "add").length;
  if (adds !== views) throw new Error(`expected ${views} views to add, the plan has ${adds}`);
  const before = { ...warehouse.stats.calls };
  lab.emulator.setFaults({ latencyMs });
  let wallMs;
  try {
    const started = performance.now();
    const result = await applyPlan(warehouse, plan);
    wallMs = performance.now() - started;
    const failed = failedOutcomes(result);
    if (failed.length > 0) throw new Error(`${failed.length} views failed, e.g. ${failed[0].error}`);
  } finally {
    lab.emulator.setFaults({});
  }
  const batches = callsSince(before, warehouse.stats.calls).BatchExecuteStatement ?? 0;
  const records = (await warehouse.listStatements({ namePrefix: statementNamePrefix(environment) })).filter(
    (statement) => statement.isBatch && noticed.has(statement.id),
  );
  const historyBatches = records.filter((record) => record.name?.includes(":history:")).length;
  return {
    wallMs,
    batches,
    historyBatches,
    serverMs: mean(records.map((record) => record.updatedAt.getTime() - record.createdAt.getTime())),
    noticeMs: mean(records.map((record) => noticed.get(record.id) - record.updatedAt.getTime())),
  };
}

export async function benchProvision(lab, { views = 200, latencyMs = 500, sequentialViews = 10 } = {}) {
  const project = benchProject({ models: views / 2, fields: 40 });
  try {
    const prepared = await project.prepare();
    const concurrency = DEFAULT_CONCURRENCY;
    const parallel = await provisionOnce(lab, prepared, "orchestration", { latencyMs, views, concurrency });
    // The emulator's own cost: the same apply with no injected latency (PGlite runs statements one by one).
    const bare = await provisionOnce(lab, prepared, "emulator_cost", { latencyMs: 0, views, concurrency });
    const sequential = await provisionOnce(lab, prepared, "sequential", {
      latencyMs,
      views: sequentialViews,
      concurrency: 1,
    });
    // Three phases, each waiting at least the latency: the schema batch (CREATE SCHEMA IF NOT EXISTS),
    // one batch per view (concurrency at a time), then the operation history's write.
    const viewBatches = parallel.batches - 1 - parallel.historyBatches;
    const idealMs = (1 + Math.ceil(viewBatches / concurrency) + parallel.historyBatches) * latencyMs;
    // Every batch of the sequential run waits the same way, so scale by batches (schema batch + views).
    const sequentialExtrapolatedMs = (sequential.wallMs / sequential.batches) * parallel.batches;
    return {
      views,
      latencyMs,
      concurrency,
      batches: parallel.batches,
      wallMs: parallel.wallMs,
      idealMs,
      ratio: parallel.wallMs / idealMs,
      batchServerMs: parallel.serverMs,
      batchNoticeMs: parallel.noticeMs,
      emulatorOnlyMs: bare.wallMs,
      emulatorOnlyServerMs: bare.serverMs,
      sequentialViews,
      sequentialSampleMs: sequential.wallMs,
      sequentialBatchServerMs: sequential.serverMs,
      sequentialBatchNoticeMs: sequential.noticeMs,
      sequentialExtrapolatedMs,
      speedup: sequentialExtrapolatedMs / parallel.wallMs,
    };
  } finally {
    project.remove();
  }
}

export function describeProvision(result) {
  const ms = (value) => formatMs(value);
  return [
    {
      benchmark: `provision ${result.views} views, ${result.latencyMs} ms latency, concurrency ${result.concurrency}`,
      measured: `${ms(result.wallMs)} vs ideal ${ms(result.idealMs)} (${result.batches} batches)`,
      ratio: result.ratio,
      limit: 1.3,
    },
    {
      benchmark: "  one batch, mean: in the emulator (latency + PGlite queue) + until polled",
      measured: `${ms(result.batchServerMs)} + ${ms(result.batchNoticeMs)} (latency ${ms(result.latencyMs)})`,
    },
    {
      benchmark: "  same apply with no injected latency (emulator's serial PGlite cost)",
      measured: `${ms(result.emulatorOnlyMs)} (${ms(result.emulatorOnlyServerMs)} per batch in the emulator)`,
    },
    {
      benchmark: `  sequential baseline: concurrency 1, ${result.sequentialViews} views, extrapolated to ${result.views}`,
      measured: `${ms(result.sequentialExtrapolatedMs)} (measured ${ms(result.sequentialSampleMs)} for ${result.sequentialViews})`,
    },
    { benchmark: "  speed-up over the sequential baseline", measured: `${result.speedup.toFixed(1)}×` },
  ];
}
