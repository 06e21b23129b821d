import { describe, expect, it } from "vitest";
import { ApiError } from "../../src/emulator/api-error.js";
import { accessKeyIdOf, requestIdentity, secretUser } from "../../src/emulator/request-identity.js";

const none = {
  clusterIdentifier: undefined,
  workgroupName: undefined,
  dbUser: undefined,
  secretArn: undefined,
};

describe("requestIdentity", () => {
  it("runs a cluster request with DbUser as that existing user, logging in as IAM:<user>", () => {
    expect(
      requestIdentity({ ...none, clusterIdentifier: "c", dbUser: "deployer", accessKeyId: "AKIA1" }),
    ).toEqual({
      user: "deployer",
      loginName: "IAM:deployer",
      autoCreate: false,
    });
  });

  it("runs a request with a secret as the secret's user", () => {
    expect(
      requestIdentity({
        ...none,
        workgroupName: "wg",
        secretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/redshift/deployer-a1B2c3",
        accessKeyId: "AKIA1",
      }),
    ).toEqual({ user: "deployer", loginName: "deployer", autoCreate: false });
  });

  it("runs other requests as the caller's IAM identity: IAM: for long-term keys, IAMR: for temporary ones", () => {
    expect(requestIdentity({ ...none, workgroupName: "wg", accessKeyId: "AKIAEXAMPLE" })).toEqual({
      user: "IAM:AKIAEXAMPLE",
      loginName: "IAM:AKIAEXAMPLE",
      autoCreate: true,
    });
    expect(requestIdentity({ ...none, clusterIdentifier: "c", accessKeyId: "ASIAEXAMPLE" }).user).toBe(
      "IAMR:ASIAEXAMPLE",
    );
  });

  it("refuses requests that name no warehouse, or no single user", () => {
    const refused = (input: Parameters<typeof requestIdentity>[0]): string => {
      try {
        requestIdentity(input);
      } catch (error) {
        if (error instanceof ApiError) return `${error.type}: ${error.message}`;
        throw error;
      }
      throw new Error("accepted");
    };
    expect(refused({ ...none, accessKeyId: "AKIA1" })).toBe(
      "ValidationException: Either ClusterIdentifier or WorkgroupName needs to be specified.",
    );
    expect(refused({ ...none, workgroupName: "wg", dbUser: "u", accessKeyId: "AKIA1" })).toMatch(
      /^ValidationException/,
    );
    expect(
      refused({
        ...none,
        clusterIdentifier: "c",
        dbUser: "u",
        secretArn: "arn:aws:secretsmanager:r:1:secret:u-abcdef",
        accessKeyId: "A",
      }),
    ).toMatch(/^ValidationException/);
    expect(refused({ ...none, workgroupName: "wg", accessKeyId: undefined })).toMatch(
      /^UnrecognizedClientException/,
    );
  });
});

describe("secretUser", () => {
  it("takes the last path segment of the secret's name, without Secrets Manager's random suffix", () => {
    expect(secretUser("arn:aws:secretsmanager:us-east-1:123456789012:secret:deploy_user-AbCdEf")).toBe(
      "deploy_user",
    );
    expect(secretUser("arn:aws:secretsmanager:us-east-1:123456789012:secret:a/b/c-d-XyZ123")).toBe("c-d");
    expect(() => secretUser("arn:aws:iam::123456789012:user/x")).toThrow(ApiError);
  });
});

describe("accessKeyIdOf", () => {
  it("reads the access key id of a SigV4 Authorization header", () => {
    expect(
      accessKeyIdOf(
        "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20240101/us-east-1/redshift-data/aws4_request, SignedHeaders=host, Signature=abc",
      ),
    ).toBe("AKIAEXAMPLE");
    expect(accessKeyIdOf(undefined)).toBeUndefined();
  });
});
