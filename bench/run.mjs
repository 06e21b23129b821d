// `npm run bench`: runs every benchmark (offline, against the built package in dist/), prints each
// figure beside its target, writes bench/results.json and renders docs/performance.md from it. Exits 0
// even when a target is missed or unresolved: the figures are for reading, not for gating.
import { existsSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { judgeRows } from "./judge.mjs";
import { repo } from "./lib.mjs";
import { renderPerformance, renderTable } from "./render-docs.mjs";

// The AWS SDK warns on every run that future versions need Node 22; it says nothing about the figures.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  const type = typeof rest[0] === "string" ? rest[0] : rest[0]?.type;
  if (type === "NodeVersionSupportWarning" || String(warning).includes("NodeVersionSupportWarning")) return;
  emitWarning(warning, ...rest);
};

if (!existsSync(path.join(repo, "dist/generate/generate.js"))) {
  console.error("dist/ is missing: run `npm run build` first (`npm run bench` does).");
  process.exit(1);
}

const { benchGenerator, describeGenerator } = await import("./generator.mjs");
const { startLab } = await import("./warehouse.mjs");
const { benchProvision, describeProvision } = await import("./provision.mjs");
const { benchCompletion, describeCompletion } = await import("./completion.mjs");
const { benchScaling, describeScaling } = await import("./scaling.mjs");
const { benchFirstContact, describeFirstContact } = await import("./first-contact.mjs");

const started = performance.now();
const loadAtStart = os.loadavg()[0];
if (loadAtStart > os.cpus().length * 0.75)
  console.error(
    `Note: the load average is ${loadAtStart.toFixed(1)} on ${os.cpus().length} CPUs; other work will inflate the timings and the ratios.`,
  );
const results = {};
const sections = [];

async function section(title, key, run, describe) {
  const at = performance.now();
  process.stderr.write(`• ${title}…`);
  results[key] = await run();
  const seconds = (performance.now() - at) / 1000;
  process.stderr.write(` ${seconds.toFixed(1)} s\n`);
  sections.push({
    title,
    key,
    rows: describe(results[key]),
    seconds,
    loadAverage: Number(os.loadavg()[0].toFixed(2)),
  });
}

// BENCH_QUICK=1: a smoke run of the whole pipeline on tiny sizes (figures meaningless), written to the
// temporary folder instead of bench/results.json and docs/performance.md.
const quick = process.env.BENCH_QUICK === "1";
const small = quick ? { models: 10, rounds: 2 } : { models: 100, rounds: 5 };
const large = quick ? { models: 20, rounds: 1 } : { models: 1000, rounds: 3 };
await section(
  `1–2. generator overhead and standalone generate, ${small.models.toLocaleString("en-US")} models × 40 fields`,
  "generator100",
  () => benchGenerator({ ...small, fields: 40 }),
  describeGenerator,
);
await section(
  `1–2. generator overhead and standalone generate, ${large.models.toLocaleString("en-US")} models × 40 fields`,
  "generator1000",
  () => benchGenerator({ ...large, fields: 40, warmUp: false, rerun: false }),
  describeGenerator,
);
await section(
  "3. provisioning end to end",
  "provision",
  () => benchProvision(quick ? { views: 20, rounds: 2, sequentialViews: 4 } : {}),
  describeProvision,
);
await section(
  "4. scale: Data API calls, time and memory as views grow",
  "scaling",
  () => benchScaling(quick ? [6, 50] : undefined),
  describeScaling,
);
const lab = await startLab();
try {
  await section("5. completion latency", "completion", () => benchCompletion(lab), describeCompletion);
} finally {
  await lab.stop();
}
await section(
  "6. first contact: the demo, one local command, check",
  "firstContact",
  () => benchFirstContact({ rounds: quick ? 1 : 5 }),
  describeFirstContact,
);
const totalSeconds = (performance.now() - started) / 1000;

const rows = judgeRows(sections);

console.log(renderTable(rows));
const count = (kind) => rows.filter((row) => row.verdict === kind).length;
console.log(
  `\n${count("met")} targets met, ${count("missed")} missed, ${count("unresolved")} unresolved; ${totalSeconds.toFixed(0)} s in all (Node ${process.version}, ${os.cpus().length} CPUs, load average ${loadAtStart.toFixed(1)} → ${os.loadavg()[0].toFixed(1)}).`,
);
for (const row of rows.filter(
  (candidate) => candidate.verdict === "missed" || candidate.verdict === "unresolved",
))
  console.log(
    `${row.verdict === "missed" ? "✖ MISSED" : "? UNRESOLVED"}: ${row.benchmark.trim()}: ${row.measured} (target ${row.target}). See docs/performance.md.`,
  );

const cpus = os.cpus();
const report = {
  date: new Date().toISOString(),
  machine: {
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? "unknown",
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    /** 1-minute load average before and after the run: above the CPU count, timings are contended. */
    loadAverage: { start: Number(loadAtStart.toFixed(2)), end: Number(os.loadavg()[0].toFixed(2)) },
  },
  totalSeconds: Math.round(totalSeconds),
  /** Each section's time and the 1-minute load average when it ended. */
  sections: sections.map(({ title, key, seconds, loadAverage }) => ({
    key,
    title,
    seconds: Math.round(seconds),
    loadAverage,
  })),
  rows,
  results,
};
const output = quick
  ? path.join(os.tmpdir(), "bench-results.quick.json")
  : path.join(repo, "bench/results.json");
writeFileSync(output, `${JSON.stringify(report, null, 2)}\n`);
console.log(`Wrote ${path.relative(process.cwd(), output) || output}.`);

const page = quick ? path.join(os.tmpdir(), "performance.quick.md") : path.join(repo, "docs/performance.md");
writeFileSync(page, renderPerformance(report));
console.log(`Wrote ${page}.`);
