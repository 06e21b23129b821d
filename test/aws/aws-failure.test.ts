import { describe, expect, it } from "vitest";
import { describeAwsFailure } from "../../src/aws/aws-failure.js";

const sdkError = (name: string, httpStatusCode: number | undefined, message: string) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode } });

describe("describeAwsFailure", () => {
  it("decides by the error's name and HTTP status", () => {
    expect(describeAwsFailure(sdkError("AccessDenied", 403, "not authorized")).kind).toBe("access-denied");
    expect(describeAwsFailure(sdkError("AccessDeniedException", 400, "")).kind).toBe("access-denied");
    expect(describeAwsFailure(sdkError("SomethingNew", 403, "")).kind).toBe("access-denied");
    expect(describeAwsFailure(sdkError("ExpiredToken", 403, "")).kind).toBe("credentials");
    expect(describeAwsFailure(sdkError("CredentialsProviderError", undefined, "")).kind).toBe("credentials");
    expect(describeAwsFailure(sdkError("Throttling", 400, "")).kind).toBe("throttled");
    expect(describeAwsFailure(sdkError("InternalFailure", 500, "")).kind).toBe("transient");
    expect(describeAwsFailure(Object.assign(new Error("connect"), { code: "ECONNREFUSED" })).kind).toBe(
      "network",
    );
  });

  it("never reads the message: a message that says 'access denied' does not make it one", () => {
    const failure = describeAwsFailure(
      sdkError("InvalidParameterValue", 400, "Access denied to the namespace"),
    );
    expect(failure).toEqual({
      kind: "other",
      name: "InvalidParameterValue",
      httpStatus: 400,
      message: "Access denied to the namespace",
    });
  });
});
