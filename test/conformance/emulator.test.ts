import { conformanceScenarios } from "./scenarios.js";
import { emulatorTarget } from "./target.js";

// The conformance scenarios on the embedded emulator; `npm run test:redshift` runs the same ones on a
// real cluster or workgroup (docs/real-redshift.md).
conformanceScenarios(emulatorTarget);
