// `npm run bench`: runs every benchmark (offline, against the built package in dist/), prints each
// figure beside its target and writes bench/results.json. Exits 0 even when a target is missed: the
// figures are ratios measured in one run on one machine, for reading, not for gating.
import { existsSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { repo } from "./lib.mjs";

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
  sections.push({ title, rows: describe(results[key]), seconds });
}

await section(
  "1–2. generator overhead and standalone generate, 100 models × 40 fields",
  "generator100",
  () => benchGenerator({ models: 100, fields: 40, rounds: 3, warmUp: true }),
  describeGenerator,
);
await section(
  "1–2. generator overhead and standalone generate, 1,000 models × 40 fields",
  "generator1000",
  () => benchGenerator({ models: 1000, fields: 40, rounds: 1, warmUp: false, rerun: false }),
  describeGenerator,
);
await section(
  "6. first contact: the demo, one local command, check",
  "firstContact",
  () => benchFirstContact({ rounds: 3 }),
  describeFirstContact,
);
const lab = await startLab();
try {
  // Provisioning first, while the emulator's PGlite is still small.
  await section("3. provision orchestration", "provision", () => benchProvision(lab), describeProvision);
  await section("5. completion latency", "completion", () => benchCompletion(lab), describeCompletion);
  await section("4. Data API calls as views grow", "scaling", () => benchScaling(lab), describeScaling);
} finally {
  await lab.stop();
}
const totalSeconds = (performance.now() - started) / 1000;

const rows = sections.flatMap((section) =>
  section.rows.map((row) => {
    const judged = row.limit !== undefined && row.ratio !== undefined;
    return {
      section: section.title,
      benchmark: row.benchmark,
      measured: row.measured,
      target: row.limit === undefined ? "" : (row.target ?? `≤ ${row.limit.toFixed(2)}×`),
      ratio: row.ratio,
      pass: judged ? row.ratio <= row.limit + 1e-9 : undefined,
    };
  }),
);

printTable(rows);
const misses = rows.filter((row) => row.pass === false);
console.log(
  `\n${rows.filter((row) => row.pass === true).length} targets met, ${misses.length} missed; ${totalSeconds.toFixed(0)} s in all (Node ${process.version}, ${os.cpus().length} CPUs, load average ${loadAtStart.toFixed(1)} → ${os.loadavg()[0].toFixed(1)}).`,
);
for (const miss of misses) {
  console.log(
    `✖ MISSED: ${miss.benchmark.trim()}: ${miss.measured} (target ${miss.target}). See docs/performance.md.`,
  );
}

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
  rows,
  results,
};
const output = path.join(repo, "bench/results.json");
writeFileSync(output, `${JSON.stringify(report, null, 2)}\n`);
console.log(`Wrote ${path.relative(process.cwd(), output) || output}.`);

function printTable(table) {
  const header = ["benchmark", "measured", "target", "ratio", ""];
  const cells = table.map((row) => [
    row.benchmark,
    row.measured,
    row.target,
    row.ratio === undefined ? "" : row.ratio.toFixed(2),
    row.pass === undefined ? "" : row.pass ? "✔" : "✖",
  ]);
  const titles = table.map((row) => [`**${row.section}**`]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...[...cells, ...titles].map((cell) => (cell[column] ?? "").length)),
  );
  const line = (cell) => `| ${cell.map((text, column) => text.padEnd(widths[column])).join(" | ")} |`;
  console.log(line(header));
  console.log(`|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`);
  let current;
  for (const [index, cell] of cells.entries()) {
    if (table[index].section !== current) {
      current = table[index].section;
      console.log(line([`**${current}**`, "", "", "", ""]));
    }
    console.log(line(cell));
  }
}
