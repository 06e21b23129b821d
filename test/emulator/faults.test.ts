import { describe, expect, it } from "vitest";
import { faultsFromEnv } from "../../src/emulator/index.js";
import { bindNamedParameters } from "../../src/emulator/named-parameters.js";

describe("faultsFromEnv", () => {
  it("reads every variable and ignores unset or empty ones", () => {
    expect(faultsFromEnv({})).toEqual({});
    expect(
      faultsFromEnv({
        REDSHIFT_VIEWS_EMULATOR_LATENCY_MS: "250",
        REDSHIFT_VIEWS_EMULATOR_THROTTLE_RATE: "0.1",
        REDSHIFT_VIEWS_EMULATOR_FAIL_PATTERN: "drop materialized view",
        REDSHIFT_VIEWS_EMULATOR_POLL_DELAY_MS: "",
        REDSHIFT_VIEWS_EMULATOR_SEED: "7",
      }),
    ).toEqual({ latencyMs: 250, throttleRate: 0.1, failPattern: /drop materialized view/i, seed: 7 });
  });

  it("rejects values out of range and bad patterns", () => {
    expect(() => faultsFromEnv({ REDSHIFT_VIEWS_EMULATOR_THROTTLE_RATE: "2" })).toThrow(
      expect.objectContaining({ code: "E_EMULATOR_FAULTS" }),
    );
    expect(() => faultsFromEnv({ REDSHIFT_VIEWS_EMULATOR_FAIL_PATTERN: "(" })).toThrow(
      expect.objectContaining({ code: "E_EMULATOR_FAULTS" }),
    );
  });
});

describe("bindNamedParameters", () => {
  it("replaces :name outside literals and casts, reusing positions", () => {
    expect(
      bindNamedParameters("SELECT :a, ':a', \":a\", x::int, :b, :a -- :a", [
        { name: "a", value: "1" },
        { name: "b", value: "2" },
      ]),
    ).toEqual({ sql: "SELECT $1, ':a', \":a\", x::int, $2, $1 -- :a", values: ["1", "2"] });
  });
});
