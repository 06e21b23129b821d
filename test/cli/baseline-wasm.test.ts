import { afterEach, describe, expect, it, vi } from "vitest";

const setFlagsFromString = vi.fn();
vi.mock("node:v8", () => ({ setFlagsFromString }));
const { useBaselineWasmTier } = await import("../../src/cli/baseline-wasm.js");

afterEach(() => {
  setFlagsFromString.mockClear();
});

describe("useBaselineWasmTier", () => {
  it("keeps a command's WebAssembly on V8's baseline tier", () => {
    useBaselineWasmTier(["status", "development"]);
    expect(setFlagsFromString.mock.calls).toEqual([["--liftoff-only"]]);
  });

  it("leaves the long-running emulator command the optimising tier", () => {
    useBaselineWasmTier(["--quiet", "emulator", "--port", "4000"]);
    expect(setFlagsFromString).not.toHaveBeenCalled();
  });
});
