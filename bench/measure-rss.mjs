// Runs an entry (a generator, or the CLI) in this process and records the process's peak memory when
// it exits. Usage: node bench/measure-rss.mjs <entry> [arguments of the entry] ; BENCH_RSS_FILE=<out>
import { appendFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [entry] = process.argv.splice(2, 1);
process.on("exit", () => {
  if (process.env.BENCH_RSS_FILE)
    appendFileSync(process.env.BENCH_RSS_FILE, `${process.resourceUsage().maxRSS}\n`);
});
await import(pathToFileURL(entry).href);
