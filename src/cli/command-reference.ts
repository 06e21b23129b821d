import { stripVTControlCharacters } from "node:util";
import { renderUsage } from "citty";
import { commands, rootCommand } from "./commands/index.js";

/** The README's command reference, rendered from the CLI's own definitions so the two cannot drift. */
export async function commandReference(): Promise<string> {
  const sections: string[] = [];
  for (const [name, load] of Object.entries(commands)) {
    const usage = stripVTControlCharacters(await renderUsage(await load(), rootCommand)).trim();
    const lines = usage.split("\n").map((line) => line.trimEnd());
    sections.push(`### \`redshift-views ${name}\`\n\n\`\`\`text\n${lines.join("\n")}\n\`\`\``);
  }
  return sections.join("\n\n");
}

const REFERENCE_START = "<!-- commands:start -->";
const REFERENCE_END = "<!-- commands:end -->";

/** Replaces the text between the markers in a README. */
export function withCommandReference(readme: string, reference: string): string {
  const start = readme.indexOf(REFERENCE_START);
  const end = readme.indexOf(REFERENCE_END);
  if (start === -1 || end === -1 || end < start)
    throw new Error(`README has no ${REFERENCE_START} … ${REFERENCE_END} section.`);
  return `${readme.slice(0, start + REFERENCE_START.length)}\n${reference}\n${readme.slice(end)}`;
}
