import { defineConfig } from "vitest/config";

// `npm run test:redshift`: the conformance scenarios against a real cluster or workgroup, one file,
// in order, with the warehouse's own pace (statements take seconds there).
export default defineConfig({
  test: {
    include: ["test/conformance/*.conformance.ts"],
    maxWorkers: 1,
    testTimeout: 600_000,
    hookTimeout: 600_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  },
});
