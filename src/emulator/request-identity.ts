import { ApiError } from "./api-error.js";

/** Who a Data API request runs as, decided once when the statement is submitted. */
export interface RequestIdentity {
  /** The Redshift database user the statements run as. */
  readonly user: string;
  /** The name the request logs in with, as shown in a login failure (`IAM:<DbUser>` for temporary credentials). */
  readonly loginName: string;
  /**
   * IAM identities are database users created on first use with PUBLIC permissions only ("The database
   * user is mapped 1:1 to the source IAM identity",
   * https://docs.aws.amazon.com/redshift/latest/APIReference/API_GetClusterCredentialsWithIAM.html).
   */
  readonly autoCreate: boolean;
}

export interface RequestCredentials {
  readonly clusterIdentifier: string | undefined;
  readonly workgroupName: string | undefined;
  readonly dbUser: string | undefined;
  readonly secretArn: string | undefined;
  /** The access key id of the request's SigV4 `Authorization` header. */
  readonly accessKeyId: string | undefined;
}

/**
 * The Data API's authorization methods
 * (https://docs.aws.amazon.com/redshift/latest/mgmt/data-api.html#data-api-access):
 * - `SecretArn` (cluster or workgroup): the user stored in the secret. The emulator cannot read Secrets
 *   Manager; it takes the user from the secret's name (see {@link secretUser}).
 * - `ClusterIdentifier` + `DbUser`: temporary credentials for that existing user
 *   (`redshift:GetClusterCredentials`, which the Data API calls without AutoCreate).
 * - `ClusterIdentifier` alone, or `WorkgroupName` alone: the caller's IAM identity, `IAM:<user>` for an
 *   IAM user and `IAMR:<role>` for a role ("arn:iam::123456789012:user:foo has the database user name
 *   IAM:foo"). The emulator only sees the SigV4 access key id: temporary credentials (`ASIA…`, which
 *   roles use) give `IAMR:<key id>`, long-term ones give `IAM:<key id>`.
 */
export function requestIdentity(credentials: RequestCredentials): RequestIdentity {
  const { clusterIdentifier, workgroupName, dbUser, secretArn } = credentials;
  if (clusterIdentifier !== undefined && workgroupName !== undefined) {
    throw new ApiError("ValidationException", "Specify either ClusterIdentifier or WorkgroupName, not both.");
  }
  // The service's own text (https://github.com/boto/boto3/issues/3336).
  if (clusterIdentifier === undefined && workgroupName === undefined) {
    throw new ApiError(
      "ValidationException",
      "Either ClusterIdentifier or WorkgroupName needs to be specified.",
    );
  }
  // Not documented either way; the emulator refuses the ambiguous combinations rather than pick one.
  if (dbUser !== undefined && secretArn !== undefined) {
    throw new ApiError("ValidationException", "Specify either DbUser or SecretArn, not both.");
  }
  if (dbUser !== undefined && workgroupName !== undefined) {
    throw new ApiError(
      "ValidationException",
      "DbUser applies to a provisioned cluster (ClusterIdentifier); a serverless workgroup runs as the caller's IAM identity or the user of SecretArn.",
    );
  }
  if (secretArn !== undefined) {
    const user = secretUser(secretArn);
    return { user, loginName: user, autoCreate: false };
  }
  if (dbUser !== undefined) {
    // GetClusterCredentials returns the user name prefixed with `IAM:` (AutoCreate false), which is the
    // name a failed login reports: `FATAL: user "IAM:dbUser" does not exist`
    // (https://docs.aws.amazon.com/redshift/latest/APIReference/API_GetClusterCredentials.html,
    // https://github.com/aws/aws-tools-for-powershell/issues/269).
    return { user: dbUser, loginName: `IAM:${dbUser}`, autoCreate: false };
  }
  const keyId = credentials.accessKeyId;
  if (keyId === undefined || keyId === "") {
    throw new ApiError(
      "UnrecognizedClientException",
      "The request is not signed with SigV4; the emulator derives the database user from the access key id.",
    );
  }
  const user = `${keyId.startsWith("ASIA") ? "IAMR" : "IAM"}:${keyId}`;
  return { user, loginName: user, autoCreate: true };
}

const SECRET_ARN = /^arn:[^:]+:secretsmanager:[^:]*:[^:]*:secret:(.+)$/;
/** Secrets Manager appends a hyphen and six random characters to a secret's name in its ARN. */
const RANDOM_SUFFIX = /-[A-Za-z0-9]{6}$/;

/**
 * The database user of a secret, derived from its ARN: the secret's name without Secrets Manager's
 * `-AbCdEf` suffix, last `/` segment. `arn:aws:secretsmanager:us-east-1:123456789012:secret:redshift/deploy-AbCdEf`
 * → `deploy`. The emulator's own rule (it cannot read the secret); name secrets after their user.
 */
export function secretUser(secretArn: string): string {
  const name = SECRET_ARN.exec(secretArn)?.[1];
  const user = name?.replace(RANDOM_SUFFIX, "").split("/").pop();
  if (user === undefined || user === "") {
    throw new ApiError(
      "ValidationException",
      `SecretArn ${JSON.stringify(secretArn)} is not a Secrets Manager secret ARN.`,
    );
  }
  return user;
}

/** `Credential=<access key id>/<date>/…` of a SigV4 `Authorization` header. */
export function accessKeyIdOf(authorization: string | undefined): string | undefined {
  return authorization === undefined ? undefined : /Credential=([^/,\s]+)\//.exec(authorization)?.[1];
}
