// Writes docs/schemas/config.schema.json from the config's valibot schema (npm run docs), so editors
// complete and check redshift-views.config.json through its "$schema". test/config keeps it in sync.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { toJsonSchema } from "@valibot/to-json-schema";

export const CONFIG_SCHEMA_URL = new URL("../docs/schemas/config.schema.json", import.meta.url);

/** The JSON Schema of a config schema: validations JSON Schema cannot state (checks, transforms) are left out. */
export function configJsonSchema(configSchema) {
  return {
    ...toJsonSchema(configSchema, { errorMode: "ignore" }),
    title: "redshift-views.config.json",
    description:
      "Which warehouse each environment of prisma-redshift-views uses, and who is granted the views. Checks JSON Schema cannot state (e.g. grantee keywords, PUBLIC) are made when the config is loaded.",
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { configSchema } = await import("../dist/config/config-schema.js");
  writeFileSync(CONFIG_SCHEMA_URL, `${JSON.stringify(configJsonSchema(configSchema), null, 2)}\n`);
  console.log("docs/schemas/config.schema.json: written.");
}
