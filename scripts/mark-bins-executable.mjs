// tsc writes files without the executable bit; npm only sets it when it links bins, which on a fresh
// clone happens before `prepare` has built them.
import { chmodSync, readFileSync } from "node:fs";

const { bin } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
for (const file of Object.values(bin)) chmodSync(new URL(`../${file}`, import.meta.url), 0o755);
