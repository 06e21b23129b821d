// Benchmarks 1 and 2: what the generator adds to `prisma generate`, and standalone `generate` vs the
// bare cost of parsing the schema. Each side of each ratio is timed in its own process, the two sides
// alternating, and the ratio is reported per round with its spread.
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import {
  formatMs,
  interleave,
  median,
  offlineEngine,
  pairedRatios,
  ratioSpread,
  repo,
  runChild,
  tempProject,
  timeCommand,
} from "./lib.mjs";
import { synthesizeSchema } from "./synthesize-schema.mjs";

const { generate } = await import(path.join(repo, "dist/generate/generate.js"));
const prismaBin = path.join(repo, "node_modules/prisma/build/index.js");

export async function benchGenerator({
  models,
  fields,
  rounds,
  standaloneRounds = rounds,
  warmUp = true,
  rerun = true,
}) {
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
  // `prisma generate` with ours and with the no-op, alternately, each its own `prisma` process.
  const overhead = interleave({
    rounds,
    warmUp,
    a: () => {
      rmSync(path.join(withOurs, "generated-views"), { recursive: true, force: true });
      return prisma(withOurs);
    },
    b: () => prisma(withNoop),
  });
  const peakKb = (file) => Math.max(...readFileSync(file, "utf8").trim().split("\n").map(Number));
  const generatorPeakRssMb = peakKb(rssFile) / 1024;
  const noopPeakRssMb = peakKb(noopRssFile) / 1024;

  // Standalone: `generate()` vs `getDMMF` alone on the same schema text, alternately, each in a fresh
  // process and each timed on its second call (both warm).
  const standalone = interleave({
    rounds: standaloneRounds,
    a: () => runChild("generate", { cwd: withOurs }, env).ms,
    b: () => runChild("getDmmf", { cwd: withOurs }, env).ms,
  });

  let rerunFilesWritten;
  if (rerun) {
    await generate({ cwd: withOurs, generator: "views", write: true });
    const before = snapshotMtimes(path.join(withOurs, "generated-views"));
    const again = await generate({ cwd: withOurs, generator: "views", write: true });
    const after = snapshotMtimes(path.join(withOurs, "generated-views"));
    const rewritten = again.actions.filter((action) => action.kind !== "unchanged").length;
    const touched = [...before].filter(([file, mtime]) => after.get(file) !== mtime).length;
    rerunFilesWritten = rewritten + touched;
  }

  for (const dir of [withOurs, withNoop]) rmSync(dir, { recursive: true, force: true });
  return {
    models,
    fields,
    prismaGenerateMs: overhead.aMs,
    prismaGenerateNoopMs: overhead.bMs,
    overhead: ratioSpread(pairedRatios(overhead.aMs, overhead.bMs)),
    generatorPeakRssMb,
    noopPeakRssMb,
    standaloneGenerateMs: standalone.aMs,
    getDmmfMs: standalone.bMs,
    standalone: ratioSpread(pairedRatios(standalone.aMs, standalone.bMs)),
    rerunFilesWritten,
  };
}

function snapshotMtimes(dir) {
  return new Map(readdirSync(dir).map((file) => [file, statSync(path.join(dir, file)).mtimeMs]));
}

export function describeGenerator(result) {
  const size = `${result.models}×${result.fields}`;
  const medians = (a, b) => `${formatMs(median(a))} vs ${formatMs(median(b))} (medians)`;
  return [
    {
      benchmark: `prisma generate with ours vs no-op generator (${size})`,
      measured: medians(result.prismaGenerateMs, result.prismaGenerateNoopMs),
      spread: result.overhead,
      limit: 1.1,
    },
    {
      benchmark: `  generator process peak memory (${size})`,
      measured: `${result.generatorPeakRssMb.toFixed(0)} MB (no-op generator: ${result.noopPeakRssMb.toFixed(0)} MB)`,
    },
    {
      benchmark: `standalone generate vs getDMMF, both warm (${size})`,
      measured: medians(result.standaloneGenerateMs, result.getDmmfMs),
      spread: result.standalone,
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
