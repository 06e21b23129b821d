// Benchmark 3: provisioning end to end. 200 views to add against the emulator with 500 ms injected
// into every statement: the whole `provision` (lock, catalog reads, dependents, apply, history,
// release) against an ideal that counts each phase's round trips, and the apply alone against its
// own; then the sequential loop (one view's batch at a time) for the speed-up. Every figure comes from
// a fresh process (bench/child.mjs), one per round.
import { formatMs, median, ratioSpread, runChild } from "./lib.mjs";

/**
 * Round trips per phase, from the statements the run actually issued (each round trip waits one
 * statement latency; the emulator injects none into ListStatements, so the lock's in-flight check
 * is not one):
 * - lock: one batch (LOCK, INSERT … WHERE NOT EXISTS, SELECT), the tables already existing;
 * - reads: the catalog and privileges queries, submitted together: one;
 * - dependents: the bound and materialized dependents queries, together: one (none when nothing is
 *   rebuilt or dropped, as for views being added);
 * - schemas: each schema's batch, together: one;
 * - views: the view batches, `concurrency` at a time: ⌈batches / concurrency⌉;
 * - history: its batches, one after the other;
 * - release: one DELETE.
 */
export function roundTrips(run) {
  const { phases, concurrency } = run;
  if (phases.other.statements > 0) throw new Error(`${phases.other.statements} statements of no known phase`);
  const together = (phase) => (phase.statements > 0 ? 1 : 0);
  return {
    lock: phases.lock.statements,
    reads: together(phases.reads),
    dependents: together(phases.dependents),
    schemas: together(phases.schemas),
    views: Math.ceil(phases.views.statements / concurrency),
    history: phases.history.statements,
    release: phases.release.statements,
  };
}

const APPLY_PHASES = ["schemas", "views", "history"];

export async function benchProvision({
  views = 200,
  latencyMs = 500,
  rounds = 3,
  sequentialViews = 40,
  sequentialPoll = { initialDelayMs: 250, factor: 2, maxDelayMs: 500 },
} = {}) {
  const runs = [];
  for (let round = 0; round < rounds; round++) runs.push(runChild("provision", { views, latencyMs }));
  const trips = roundTrips(runs[0]);
  for (const run of runs)
    if (JSON.stringify(roundTrips(run)) !== JSON.stringify(trips))
      throw new Error(`rounds issued different statements: ${JSON.stringify(roundTrips(run))}`);
  const total = Object.values(trips).reduce((sum, count) => sum + count, 0);
  const applyTrips = APPLY_PHASES.reduce((sum, phase) => sum + trips[phase], 0);
  const idealMs = total * latencyMs;
  const applyIdealMs = applyTrips * latencyMs;
  const applyMs = (run) => run.phases.history.endMs - run.applyStartMs;
  // The loop of one view at a time, on a sample of the views, polled at the tool's own limit.
  const sequential = runChild("sequential", { views: sequentialViews, latencyMs, poll: sequentialPoll });
  const batches = runs[0].phases.schemas.statements + runs[0].phases.views.statements;
  const sequentialExtrapolatedMs = (sequential.wallMs / sequential.batches) * batches;
  return {
    views,
    latencyMs,
    concurrency: runs[0].concurrency,
    runs,
    roundTrips: trips,
    idealMs,
    endToEnd: ratioSpread(runs.map((run) => run.wallMs / idealMs)),
    applyIdealMs,
    apply: ratioSpread(runs.map((run) => applyMs(run) / applyIdealMs)),
    applyMs: runs.map(applyMs),
    sequential,
    sequentialExtrapolatedMs,
    speedup: sequentialExtrapolatedMs / median(runs.map(applyMs)),
  };
}

export function describeProvision(result) {
  const ms = (value) => formatMs(value);
  const trips = result.roundTrips;
  const wall = median(result.runs.map((run) => run.wallMs));
  const phaseMs = (phase) =>
    median(result.runs.map((run) => (run.phases[phase].endMs ?? 0) - (run.phases[phase].startMs ?? 0)));
  const local = median(result.runs.map((run) => run.firstStatementMs));
  const poll = result.sequential.poll;
  return [
    {
      benchmark: `provision end to end: ${result.views} views, ${result.latencyMs} ms latency, concurrency ${result.concurrency}`,
      measured: `${ms(wall)} vs ideal ${ms(result.idealMs)} (median)`,
      spread: result.endToEnd,
      limit: 1.3,
    },
    {
      benchmark: "  round trips in the ideal, by phase",
      measured: `lock ${trips.lock} + reads ${trips.reads} + dependents ${trips.dependents} + schemas ${trips.schemas} + views ${trips.views} + history ${trips.history} + release ${trips.release}`,
    },
    {
      benchmark: "  time by phase (median; submitted → last noticed)",
      measured: `before the first statement ${ms(local)}, lock ${ms(phaseMs("lock"))}, reads ${ms(phaseMs("reads"))}, schemas ${ms(phaseMs("schemas"))}, views ${ms(phaseMs("views"))}, history ${ms(phaseMs("history"))}, release ${ms(phaseMs("release"))}`,
    },
    {
      benchmark: "apply alone (schemas, views, history) within those runs",
      measured: `${ms(median(result.applyMs))} vs ideal ${ms(result.applyIdealMs)} (median)`,
      spread: result.apply,
      limit: 1.3,
    },
    {
      benchmark: `  sequential loop, one view's batch at a time: ${result.sequential.views} views, extrapolated to ${result.views}`,
      measured: `${ms(result.sequentialExtrapolatedMs)} (measured ${ms(result.sequential.wallMs)} for ${result.sequential.batches} batches; polled after ${poll.initialDelayMs} ms, then every ${poll.maxDelayMs} ms)`,
    },
    {
      benchmark: "  speed-up of the apply over the sequential loop",
      measured: `${result.speedup.toFixed(1)}×`,
    },
  ];
}
