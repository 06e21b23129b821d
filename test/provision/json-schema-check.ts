// Kept for the tests that import it from here; the checker is ajv, in test/helpers/json-schemas.ts.
export { checkJson, type JsonSchema, readSchema } from "../helpers/json-schemas.js";
