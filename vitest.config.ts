import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // PGlite and the Prisma CLI are heavy: two workers on a 2-core machine keep memory and time in check.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The AWS SDK's notice that its future releases need Node 22 says nothing about the code under test.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  },
});
