// A generator that does nothing: the baseline for what `prisma generate` costs by itself.
import generatorHelper from "@prisma/generator-helper";

generatorHelper.generatorHandler({
  onManifest: () => ({ prettyName: "no-op", defaultOutput: "../generated-views" }),
  onGenerate: async () => {},
});
