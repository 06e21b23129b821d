import { describe, expect, it } from "vitest";
import { outcomeRecord, type ViewOutcome } from "../../src/provision/outcome.js";

const at = new Date("2026-12-01T10:00:00.000Z");
const sent = { statementId: "s-1", startedAt: at, durationMs: 1200 };
const context = { by: "ops@laptop", hash: "ab".repeat(32) };
const view = { schema: "analytics_prod", name: "users" };

describe("outcomeRecord", () => {
  it("records an applied rebuild as a FINISHED create with the hash it installed", () => {
    const applied: ViewOutcome = {
      kind: "applied",
      action: "update",
      ...view,
      durationMs: 1200,
      statementId: "s-1",
    };
    expect(outcomeRecord(applied, sent, context)).toEqual({
      schema: "analytics_prod",
      view: "users",
      operation: "create",
      status: "FINISHED",
      startedAt: at,
      durationMs: 1200,
      statementId: "s-1",
      by: "ops@laptop",
      hash: "ab".repeat(32),
    });
  });

  it("records failures with their error, aborted ones as ABORTED, and drops without a hash", () => {
    const failed: ViewOutcome = {
      kind: "failed",
      action: "add",
      ...view,
      error: "ERROR: boom",
      statementId: "s-1",
    };
    expect(outcomeRecord(failed, sent, context)).toMatchObject({ status: "FAILED", error: "ERROR: boom" });
    expect(outcomeRecord(failed, { ...sent, aborted: true }, context)).toMatchObject({ status: "ABORTED" });
    const dropped: ViewOutcome = {
      kind: "applied",
      action: "drop",
      ...view,
      durationMs: 5,
      statementId: "s-2",
    };
    const record = outcomeRecord(dropped, sent, context);
    expect(record).toMatchObject({ operation: "drop", status: "FINISHED" });
    expect(record).not.toHaveProperty("hash");
    // A refusal (dependents) never reached the warehouse: a failed CREATE without a statement.
    const refused: ViewOutcome = { kind: "failed", action: "update", ...view, error: "Not rebuilt: …" };
    expect(outcomeRecord(refused, { startedAt: at, durationMs: 0 }, context)).toEqual({
      schema: "analytics_prod",
      view: "users",
      operation: "create",
      status: "FAILED",
      startedAt: at,
      durationMs: 0,
      error: "Not rebuilt: …",
      by: "ops@laptop",
      hash: "ab".repeat(32),
    });
  });

  it("records a statement whose end was not seen as SUBMITTED, if its id is known", () => {
    const unknown: ViewOutcome = { kind: "unknown", action: "add", ...view, reason: "interrupted" };
    expect(outcomeRecord(unknown, sent, context)).toMatchObject({
      status: "SUBMITTED",
      statementId: "s-1",
      error: "interrupted",
    });
    expect(outcomeRecord(unknown, { startedAt: at, durationMs: 3000 }, context)).toBeUndefined();
  });

  it("records nothing for a conflict, a view not submitted, or a name that may not reach SQL", () => {
    const conflict: ViewOutcome = { kind: "failed", action: "conflict", ...view, error: "taken" };
    const notSubmitted: ViewOutcome = { kind: "not_submitted", action: "add", ...view };
    // A name refused as an identifier reaches no SQL, the history's included (docs/bad-input.md, case
    // 33); the history writes names as literals, which no backslash may be part of.
    const hostile = (schema: string, name: string): ViewOutcome => ({
      kind: "failed",
      action: "drop",
      schema,
      name,
      error: "refused",
    });
    for (const outcome of [
      conflict,
      notSubmitted,
      hostile("a", 'x"; DROP'),
      hostile("a", 'x\\"; DROP'),
      hostile("a", "<%= process.exit() %>"),
      hostile("a", "x\nDROP"),
      hostile("a\\b", "users"),
    ])
      expect(outcomeRecord(outcome, sent, context)).toBeUndefined();
  });
});
