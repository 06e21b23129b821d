import type { RedshiftViewsConfig } from "./config-schema.js";

/** Identity function that gives `redshift-views.config.ts` its types. */
export function defineConfig(config: RedshiftViewsConfig): RedshiftViewsConfig {
  return config;
}
