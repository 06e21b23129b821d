// Benchmark 5: how long after a statement finishes in the emulator the client notices, at the default
// poll settings, and how often it polls. Also checks that the emulator's injected latency overlaps
// across concurrent statements (it models a warehouse running them in parallel).
import { formatMs } from "./lib.mjs";

const PREFIX = "bench-completion:";
const WINDOW_MS = 1000;

/** Runs `count` concurrent `SELECT 1` with `latencyMs` injected; per statement: polls and times. */
async function observe(lab, env, { latencyMs, count, poll, tag }) {
  const events = new Map();
  const entry = (id) => {
    if (!events.has(id)) events.set(id, { polls: [] });
    return events.get(id);
  };
  const warehouse = env.warehouse({
    concurrency: Math.max(count, 1),
    ...(poll === undefined ? {} : { poll }),
    onProgress: (event) => {
      const at = Date.now();
      if (event.kind === "submitted") Object.assign(entry(event.id), { name: event.name, submittedAt: at });
      // Counted when each poll was sent: the rate is the client's, and answers arrive with the
      // warehouse's jitter (a late answer and a prompt one can land close together).
      else if (event.kind === "polled") entry(event.id).polls.push(event.sentAt);
      else if (event.kind === "completed") entry(event.outcome.id).completedAt = at;
    },
  });
  lab.emulator.setFaults({ latencyMs });
  try {
    const names = Array.from({ length: count }, (_, index) => `${PREFIX}${tag}:${latencyMs}:${index}`);
    const outcomes = await Promise.all(names.map((name) => warehouse.execute("SELECT 1;", { name })));
    const failed = outcomes.find((outcome) => outcome.kind !== "finished");
    if (failed !== undefined) throw new Error(`a probe statement did not finish: ${JSON.stringify(failed)}`);
  } finally {
    lab.emulator.setFaults({});
  }
  // The emulator's own record of when each statement was created and finished.
  const listed = await warehouse.listStatements({ namePrefix: `${PREFIX}${tag}:${latencyMs}:` });
  const server = new Map(listed.map((statement) => [statement.id, statement]));
  return [...events].map(([id, seen]) => {
    const record = server.get(id);
    if (record?.updatedAt === undefined || record.createdAt === undefined)
      throw new Error(`statement ${id} is missing from ListStatements`);
    const finishedAt = record.updatedAt.getTime();
    const polls = seen.polls;
    const gaps = polls.slice(1).map((at, index) => at - polls[index]);
    return {
      latencyMs,
      serverMs: finishedAt - record.createdAt.getTime(),
      noticeMs: seen.completedAt - finishedAt,
      elapsedMs: seen.completedAt - seen.submittedAt,
      polls: polls.length,
      pollsPerSecond: polls.length / ((seen.completedAt - seen.submittedAt) / 1000),
      maxPollsInWindow: Math.max(
        ...polls.map((start) => polls.filter((at) => at >= start && at < start + WINDOW_MS).length),
      ),
      longestGapMs: gaps.length === 0 ? undefined : Math.max(...gaps),
    };
  });
}

export async function benchCompletion(lab, { latencies = [200, 700, 1300, 3100], perLatency = 3 } = {}) {
  const env = lab.environment("completion");
  const probes = [];
  for (const latencyMs of latencies)
    probes.push(...(await observe(lab, env, { latencyMs, count: perLatency, tag: "default" })));
  // Does injected latency overlap? 20 concurrent statements of 500 ms.
  const overlap = await observe(lab, env, { latencyMs: 500, count: 20, tag: "overlap" });
  return {
    latencies,
    perLatency,
    probes,
    overlap: { count: 20, latencyMs: 500, maxServerMs: Math.max(...overlap.map((probe) => probe.serverMs)) },
  };
}

export function describeCompletion(result) {
  const max = (list, pick) => Math.max(...list.map(pick));
  const rows = result.latencies.map((latencyMs) => {
    const probes = result.probes.filter((probe) => probe.latencyMs === latencyMs);
    const worst = max(probes, (probe) => probe.noticeMs);
    return {
      benchmark: `completion noticed after finish, ${formatMs(latencyMs)} statement (worst of ${probes.length})`,
      measured: `${formatMs(worst)} (${max(probes, (probe) => probe.polls)} polls, ${max(probes, (probe) => probe.pollsPerSecond).toFixed(1)}/s over its life)`,
      ratio: worst / 1000,
      limit: 1,
      target: "≤ 1 s",
    };
  });
  const windowMax = max(result.probes, (probe) => probe.maxPollsInWindow);
  rows.push({
    benchmark: "most polls of one statement sent in any 1 s window (default polling)",
    measured: String(windowMax),
    ratio: windowMax,
    limit: 2,
    target: "≤ 2",
  });
  const gaps = result.probes.filter((probe) => probe.longestGapMs !== undefined);
  const steady = gaps.length === 0 ? undefined : max(gaps, (probe) => probe.longestGapMs);
  rows.push({
    benchmark: "  longest interval between two polls of one statement",
    measured:
      steady === undefined
        ? "no statement was polled twice"
        : `${formatMs(steady)} between sends (${(1000 / steady).toFixed(1)} polls/s)`,
  });
  rows.push({
    benchmark: `emulator latency overlaps: ${result.overlap.count} concurrent ${formatMs(result.overlap.latencyMs)} statements`,
    measured: `all finished within ${formatMs(result.overlap.maxServerMs)} of submission`,
  });
  return rows;
}
