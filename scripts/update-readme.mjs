// Rewrites the README's command reference from the CLI's own definitions (npm run docs).
import { readFileSync, writeFileSync } from "node:fs";
import { commandReference, withCommandReference } from "../dist/cli/command-reference.js";

const readmeUrl = new URL("../README.md", import.meta.url);
const readme = readFileSync(readmeUrl, "utf8");
writeFileSync(readmeUrl, withCommandReference(readme, await commandReference()));
console.log("README.md: command reference updated.");
