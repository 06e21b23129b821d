import { conformanceScenarios } from "./scenarios.js";
import { redshiftSettings, redshiftTarget } from "./target.js";

// The conformance scenarios on the real Redshift named by the environment (docs/real-redshift.md).
// scripts/test-redshift.mjs runs this file only when the variables are set.
const settings = redshiftSettings(process.env);
if (!settings.ok) throw new Error(`Set ${settings.missing} (see docs/real-redshift.md).`);
conformanceScenarios(async () => redshiftTarget(settings));
