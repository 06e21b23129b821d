#!/usr/bin/env node
// The Prisma generator entry: `provider = "prisma-redshift-views"` in a generator block runs this.
import generatorHelper from "@prisma/generator-helper";
import { DEFAULT_OUTPUT } from "../schema/generator-options.js";
import { onGenerate } from "./on-generate.js";

generatorHelper.generatorHandler({
  onManifest: () => ({ prettyName: "Redshift materialized view templates", defaultOutput: DEFAULT_OUTPUT }),
  onGenerate,
});
