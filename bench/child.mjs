// One timed measurement in a fresh Node process: `node bench/child.mjs <task> '<json options>'`. The
// parent (bench/*.mjs) runs the two sides of a ratio as alternating children, so neither inherits the
// other's heap, JIT state or garbage. The result is printed as JSON on the last line of stdout.
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { repo } from "./lib.mjs";
import { projectLab } from "./project-lab.mjs";

// The AWS SDK warns on every run that future versions need Node 22; it says nothing about the figures.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  const type = typeof rest[0] === "string" ? rest[0] : rest[0]?.type;
  if (type === "NodeVersionSupportWarning" || String(warning).includes("NodeVersionSupportWarning")) return;
  emitWarning(warning, ...rest);
};

const dist = (file) => import(path.join(repo, "dist", file));
const [task, json = "{}"] = process.argv.slice(2);
const options = JSON.parse(json);

const tasks = {
  /** `generate()` (the library call `redshift-views generate` makes), warm: the second call is timed. */
  async generate({ cwd }) {
    const { generate } = await dist("generate/generate.js");
    await generate({ cwd, generator: "views", write: true });
    rmSync(path.join(cwd, "generated-views"), { recursive: true, force: true });
    const started = performance.now();
    await generate({ cwd, generator: "views", write: true });
    return { ms: performance.now() - started };
  },
  /** Prisma's `getDMMF` alone on the same schema text, warm: the second call is timed. */
  async getDmmf({ cwd }) {
    const { default: internals } = await import("@prisma/internals");
    const datamodel = readFileSync(path.join(cwd, "prisma/schema.prisma"), "utf8");
    await internals.getDMMF({ datamodel });
    const started = performance.now();
    await internals.getDMMF({ datamodel });
    return { ms: performance.now() - started };
  },
  provision: provisionEndToEnd,
  sequential: sequentialBaseline,
};

const run = tasks[task];
if (run === undefined) throw new Error(`unknown task ${task}`);
const result = await run(options);
process.stdout.write(`\n${JSON.stringify(result)}\n`);
process.exit(0);

/** The operation of a statement name `redshift-views:<env>:<operation>:…`. */
function operationOf(name) {
  return name?.split(":")[2];
}

/**
 * The whole `provision` (the library call the CLI makes, default polling and concurrency) of
 * `views` views to add, with `latencyMs` injected into every statement by the emulator. Every
 * statement's submission and completion as the client saw them is recorded, to split the wall time
 * into phases and count what each phase issued.
 */
async function provisionEndToEnd({ views, latencyMs }) {
  const environment = "bench";
  const { provision } = await dist("index.js");
  const { DEFAULT_CONCURRENCY } = await dist("warehouse/index.js");
  const { emulator, client, cwd, stop } = await projectLab({ views, environment });
  try {
    const statements = new Map();
    let applyingAt;
    const onEvent = (event) => {
      const at = performance.now();
      if (event.kind === "applying") applyingAt = at;
      if (event.kind !== "warehouse") return;
      const { event: progress } = event;
      if (progress.kind === "submitted")
        statements.set(progress.id, { name: progress.name, operation: operationOf(progress.name), at });
      else if (progress.kind === "completed") {
        const statement = statements.get(progress.outcome.id);
        if (statement !== undefined) statement.doneAt = at;
      }
    };
    await emulator.setFaults({ latencyMs });
    const started = performance.now();
    const report = await provision({ cwd, environment, client, env: {}, onEvent });
    const wallMs = performance.now() - started;
    await emulator.setFaults({});
    const outcomes = report.result?.outcomes ?? [];
    const applied = outcomes.filter((outcome) => outcome.kind === "applied").length;
    if (applied !== views) throw new Error(`expected ${views} views applied, got ${applied}`);
    if (report.result?.history.kind !== "recorded")
      throw new Error(`history not written: ${JSON.stringify(report.result?.history)}`);
    const list = [...statements.values()].sort((a, b) => a.at - b.at);
    const phase = (pick) => {
      const chosen = list.filter(pick);
      return {
        statements: chosen.length,
        startMs: chosen.length === 0 ? undefined : chosen[0].at - started,
        endMs: chosen.length === 0 ? undefined : Math.max(...chosen.map((s) => s.doneAt)) - started,
      };
    };
    const lockStatements = list.filter((s) => s.operation === "lock");
    return {
      views,
      latencyMs,
      concurrency: DEFAULT_CONCURRENCY,
      wallMs,
      applyStartMs: applyingAt - started,
      firstStatementMs: list[0].at - started,
      phases: {
        lock: phase((s) => s === lockStatements[0]),
        reads: phase((s) => s.operation === "catalog" && !s.name.endsWith(":dependents")),
        dependents: phase((s) => s.operation === "catalog" && s.name.endsWith(":dependents")),
        schemas: phase((s) => s.operation === "schema"),
        views: phase((s) => s.operation === "create"),
        history: phase((s) => s.operation === "history"),
        release: phase((s) => lockStatements.length > 1 && s === lockStatements.at(-1)),
        other: phase((s) => !["lock", "catalog", "schema", "create", "history"].includes(s.operation)),
      },
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    await stop();
  }
}

/**
 * The sequential loop: one view at a time, each view's batch submitted only when the previous one has
 * finished, polled with `poll`. The SQL is exactly what `provision` submits for these views: it is
 * captured from a `provision` of the same environment without latency, whose schemas are then dropped.
 */
async function sequentialBaseline({ views, latencyMs, poll }) {
  const environment = "bench";
  const { provision } = await dist("index.js");
  const { emulator, client, cwd, stop, createWarehouse } = await projectLab({ views, environment });
  try {
    const batches = [];
    await provision({
      cwd,
      environment,
      client,
      env: {},
      poll: { initialDelayMs: 2, maxDelayMs: 10, factor: 2 },
      onEvent: (event) => {
        if (event.kind !== "warehouse" || event.event.kind !== "submitted") return;
        const operation = operationOf(event.event.name);
        if (operation === "schema" || operation === "create")
          batches.push({ name: event.event.name, sqls: event.event.sqls });
      },
    });
    const schemas = batches.filter((batch) => operationOf(batch.name) === "schema");
    for (const schema of schemas) {
      const name = schema.name.split(":").slice(3).join(":");
      await emulator.query(`DROP SCHEMA "${name}" CASCADE`);
    }
    const warehouse = createWarehouse({ poll, concurrency: 1 });
    await emulator.setFaults({ latencyMs });
    const started = performance.now();
    // The schemas first, then one view's batch after the other (a view's batches keep their order).
    for (const batch of batches) {
      const outcome = await warehouse.executeBatch(batch.sqls, { name: `${batch.name}:sequential` });
      if (outcome.kind !== "finished") throw new Error(`${batch.name}: ${JSON.stringify(outcome)}`);
    }
    const wallMs = performance.now() - started;
    await emulator.setFaults({});
    return { views, latencyMs, poll, batches: batches.length, wallMs };
  } finally {
    await stop();
  }
}
