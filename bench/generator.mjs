// Benchmarks 1 and 2: what the generator adds to `prisma generate`, and standalone `generate` vs the
// bare cost of parsing the schema.
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import internals from "@prisma/internals";
import { formatMs, median, offlineEngine, repo, tempProject, timeCommand } from "./lib.mjs";
import { synthesizeSchema } from "./synthesize-schema.mjs";

const { generate } = await import(path.join(repo, "dist/generate/generate.js"));
const prismaBin = path.join(repo, "node_modules/prisma/build/index.js");

export async function benchGenerator({ models, fields, rounds, warmUp, rerun = true }) {
  const wrapper = path.join(repo, "bench/measure-rss.mjs");
  const ours = `node ${wrapper} ${path.join(repo, "dist/generator/bin.js")}`;
  const noop = `node ${wrapper} ${path.join(repo, "bench/noop-generator.mjs")}`;
  const withOurs = tempProject("ours", synthesizeSchema({ models, fields, generator: ours }));
  const withNoop = tempProject("noop", synthesizeSchema({ models, fields, generator: noop }));
  const rssFile = path.join(withOurs, "rss.txt");
  const noopRssFile = path.join(withNoop, "rss.txt");
  const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: offlineEngine, NO_COLOR: "1" };
  // Each generator process records its peak memory (the no-op's is what receiving the DMMF costs).
  const prisma = (cwd) =>
    timeCommand(process.execPath, [prismaBin, "generate"], {
      cwd,
      env: { ...env, BENCH_RSS_FILE: cwd === withOurs ? rssFile : noopRssFile },
    });
  if (warmUp) {
    prisma(withOurs);
    prisma(withNoop);
  }
  writeFileSync(rssFile, "");
  writeFileSync(noopRssFile, "");
  const oursMs = [];
  const noopMs = [];
  for (let round = 0; round < rounds; round++) {
    rmSync(path.join(withOurs, "generated-views"), { recursive: true, force: true });
    oursMs.push(prisma(withOurs));
    noopMs.push(prisma(withNoop));
  }
  const peakKb = (file) => Math.max(...readFileSync(file, "utf8").trim().split("\n").map(Number));
  const generatorPeakRssMb = peakKb(rssFile) / 1024;
  const noopPeakRssMb = peakKb(noopRssFile) / 1024;

  // Standalone: redshift-views generate (in process) vs getDMMF alone, on the same schema text.
  const schemaPath = path.join(withOurs, "prisma/schema.prisma");
  const text = readFileSync(schemaPath, "utf8");
  const dmmfMs = [];
  const generateMs = [];
  for (let round = 0; round < rounds; round++) {
    rmSync(path.join(withOurs, "generated-views"), { recursive: true, force: true });
    let started = performance.now();
    await internals.getDMMF({ datamodel: text });
    dmmfMs.push(performance.now() - started);
    started = performance.now();
    await generate({ cwd: withOurs, generatorName: "views", write: true });
    generateMs.push(performance.now() - started);
  }
  let rerunFilesWritten;
  if (rerun) {
    const before = snapshotMtimes(path.join(withOurs, "generated-views"));
    const again = await generate({ cwd: withOurs, generatorName: "views", write: true });
    const after = snapshotMtimes(path.join(withOurs, "generated-views"));
    const rewritten = again.actions.filter((action) => action.kind !== "unchanged").length;
    const touched = [...before].filter(([file, mtime]) => after.get(file) !== mtime).length;
    rerunFilesWritten = rewritten + touched;
  }

  for (const dir of [withOurs, withNoop]) rmSync(dir, { recursive: true, force: true });
  return {
    models,
    fields,
    prismaGenerateMs: median(oursMs),
    prismaGenerateNoopMs: median(noopMs),
    overheadRatio: median(oursMs) / median(noopMs),
    generatorPeakRssMb,
    noopPeakRssMb,
    standaloneGenerateMs: median(generateMs),
    getDmmfMs: median(dmmfMs),
    standaloneRatio: median(generateMs) / median(dmmfMs),
    rerunFilesWritten,
  };
}

function snapshotMtimes(dir) {
  return new Map(readdirSync(dir).map((file) => [file, statSync(path.join(dir, file)).mtimeMs]));
}

export function describeGenerator(result) {
  const size = `${result.models}×${result.fields}`;
  return [
    {
      benchmark: `prisma generate with ours vs no-op generator (${size})`,
      measured: `${formatMs(result.prismaGenerateMs)} vs ${formatMs(result.prismaGenerateNoopMs)}`,
      ratio: result.overheadRatio,
      limit: 1.1,
    },
    {
      benchmark: `  generator process peak memory (${size})`,
      measured: `${result.generatorPeakRssMb.toFixed(0)} MB (no-op generator: ${result.noopPeakRssMb.toFixed(0)} MB)`,
    },
    {
      benchmark: `standalone generate vs getDMMF (${size})`,
      measured: `${formatMs(result.standaloneGenerateMs)} vs ${formatMs(result.getDmmfMs)}`,
      ratio: result.standaloneRatio,
      limit: 1.5,
    },
  ].concat(
    result.rerunFilesWritten === undefined
      ? []
      : [
          {
            benchmark: `files written by an unchanged re-run (${size})`,
            measured: String(result.rerunFilesWritten),
            ratio: result.rerunFilesWritten,
            limit: 0,
            target: "0",
          },
        ],
  );
}
