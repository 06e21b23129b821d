import type { ResolvedTarget } from "../config/types.js";

/** The connection part of every ExecuteStatement / BatchExecuteStatement request. */
export interface ConnectionFields {
  readonly Database: string;
  readonly ClusterIdentifier?: string;
  readonly DbUser?: string;
  readonly SecretArn?: string;
  readonly WorkgroupName?: string;
}

/** The workgroup name sent to the local emulator, which serves a single database. */
export const LOCAL_WORKGROUP = "redshift-views-local";

export function connectionFields(target: ResolvedTarget): ConnectionFields {
  switch (target.kind) {
    case "local":
      return { WorkgroupName: LOCAL_WORKGROUP, Database: target.database };
    case "cluster":
      return {
        ClusterIdentifier: target.clusterIdentifier,
        Database: target.database,
        ...(target.dbUser === undefined ? {} : { DbUser: target.dbUser }),
        ...(target.secretArn === undefined ? {} : { SecretArn: target.secretArn }),
      };
    case "serverless":
      return {
        WorkgroupName: target.workgroupName,
        Database: target.database,
        ...(target.secretArn === undefined ? {} : { SecretArn: target.secretArn }),
      };
  }
}

/** ListStatements filters by warehouse and database only (it takes no credentials). */
export function listFilter(
  fields: ConnectionFields,
): Pick<ConnectionFields, "Database" | "ClusterIdentifier" | "WorkgroupName"> {
  return {
    Database: fields.Database,
    ...(fields.ClusterIdentifier === undefined ? {} : { ClusterIdentifier: fields.ClusterIdentifier }),
    ...(fields.WorkgroupName === undefined ? {} : { WorkgroupName: fields.WorkgroupName }),
  };
}
