import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // PGlite and the Prisma CLI are heavy: two workers on a 2-core machine keep memory and time in check.
    maxWorkers: 2,
    // Hang guards, not assertions: a test here never fails for being slow on a busy machine (two suites
    // side by side on two cores take several times longer than one), only for not finishing at all.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // The AWS SDK's notice that its future releases need Node 22 says nothing about the code under test.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  },
});
