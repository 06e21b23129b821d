/**
 * The request shapes of the Redshift Data API (2019-12-20) with their constraints, as the service model
 * states them: required members, string lengths and patterns, enums, integer ranges and list lengths.
 * Transcribed from botocore's `botocore/data/redshift-data/2019-12-20/service-2.json` (the model
 * `@aws-sdk/client-redshift-data` is generated from; the SDK keeps the members, not the constraints) and
 * the API reference (https://docs.aws.amazon.com/redshift-data/latest/APIReference/Welcome.html), whose
 * pages print the patterns anchored (`^…$`): a value must match a pattern as a whole.
 */
export type MemberShape =
  | {
      readonly type: "string";
      readonly min?: number;
      readonly max?: number;
      /** The pattern as the model writes it (quoted in messages); matched against the whole value. */
      readonly pattern?: string;
      readonly enum?: readonly string[];
    }
  | { readonly type: "integer"; readonly min: number; readonly max: number }
  | { readonly type: "boolean" }
  | { readonly type: "list"; readonly member: MemberShape; readonly min?: number; readonly max?: number }
  | StructureShape;

export interface StructureShape {
  readonly type: "structure";
  readonly members: Readonly<Record<string, MemberShape>>;
  readonly required?: readonly string[];
}

const STRING: MemberShape = { type: "string" };
const BOOLEAN: MemberShape = { type: "boolean" };
const CLUSTER_IDENTIFIER: MemberShape = {
  type: "string",
  min: 1,
  max: 63,
  pattern: "[a-z][a-z0-9]*(-[a-z0-9]+)*",
};
const WORKGROUP_NAME: MemberShape = {
  type: "string",
  min: 3,
  max: 128,
  pattern:
    "([a-z0-9-]{3,63}|arn:(aws(-[a-z]+)*):redshift-serverless:([a-z]{2}(-gov|(-iso[a-z]?))?|eusc-[a-z]+)-[a-z]+-\\d{1}:\\d{12}:workgroup/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})",
};
/** Statement and session ids: a UUID, for a batch's part with `:<n>`. */
const UUID: MemberShape = {
  type: "string",
  pattern: "[a-z0-9]{8}(-[a-z0-9]{4}){3}-[a-z0-9]{12}(:\\d{0,2})?",
};
const STATEMENT_NAME: MemberShape = { type: "string", min: 0, max: 2048 };
const CLIENT_TOKEN: MemberShape = { type: "string", min: 1, max: 64 };
const RESULT_FORMAT: MemberShape = { type: "string", enum: ["JSON", "CSV"] };
const SESSION_ALIVE_SECONDS: MemberShape = { type: "integer", min: 0, max: 86400 };
const WAIT_TIME_SECONDS: MemberShape = { type: "integer", min: 1, max: 30 };
const PAGE_SIZE: MemberShape = { type: "integer", min: 0, max: 1000 };
const LIST_STATEMENTS_LIMIT: MemberShape = { type: "integer", min: 0, max: 100 };
const EXECUTION_MODE: MemberShape = { type: "string", enum: ["TRANSACTION", "AUTO_COMMIT"] };
const SQL_PARAMETERS: MemberShape = {
  type: "list",
  min: 1,
  member: {
    type: "structure",
    members: {
      name: { type: "string", pattern: "[0-9a-zA-Z_]+" },
      value: { type: "string", min: 1 },
    },
    required: ["name", "value"],
  },
};

/** How a request names its warehouse, database and user. */
const CONNECTION = {
  ClusterIdentifier: CLUSTER_IDENTIFIER,
  SecretArn: STRING,
  DbUser: STRING,
  Database: STRING,
  WorkgroupName: WORKGROUP_NAME,
} as const;

const SUBMISSION = {
  ...CONNECTION,
  WithEvent: BOOLEAN,
  StatementName: STATEMENT_NAME,
  ClientToken: CLIENT_TOKEN,
  ResultFormat: RESULT_FORMAT,
  SessionKeepAliveSeconds: SESSION_ALIVE_SECONDS,
  SessionId: UUID,
  WaitTimeSeconds: WAIT_TIME_SECONDS,
} as const;

const METADATA = { ...CONNECTION, NextToken: STRING, MaxResults: PAGE_SIZE } as const;

export const REQUEST_SHAPES: Readonly<Record<string, StructureShape>> = {
  ExecuteStatement: {
    type: "structure",
    members: { Sql: STRING, ...SUBMISSION, Parameters: SQL_PARAMETERS },
    required: ["Sql"],
  },
  BatchExecuteStatement: {
    type: "structure",
    members: {
      Sqls: { type: "list", member: STRING, min: 1, max: 40 },
      ...SUBMISSION,
      Parameters: SQL_PARAMETERS,
      ExecutionMode: EXECUTION_MODE,
    },
    required: ["Sqls"],
  },
  CancelStatement: { type: "structure", members: { Id: UUID }, required: ["Id"] },
  DescribeStatement: {
    type: "structure",
    members: { Id: UUID, WaitTimeSeconds: WAIT_TIME_SECONDS },
    required: ["Id"],
  },
  GetStatementResult: {
    type: "structure",
    members: { Id: UUID, NextToken: STRING, WaitTimeSeconds: WAIT_TIME_SECONDS },
    required: ["Id"],
  },
  GetStatementResultV2: {
    type: "structure",
    members: { Id: UUID, NextToken: STRING, WaitTimeSeconds: WAIT_TIME_SECONDS },
    required: ["Id"],
  },
  ListStatements: {
    type: "structure",
    members: {
      NextToken: STRING,
      MaxResults: LIST_STATEMENTS_LIMIT,
      StatementName: STATEMENT_NAME,
      Status: {
        type: "string",
        enum: ["SUBMITTED", "PICKED", "STARTED", "FINISHED", "ABORTED", "FAILED", "ALL"],
      },
      RoleLevel: BOOLEAN,
      Database: STRING,
      ClusterIdentifier: CLUSTER_IDENTIFIER,
      WorkgroupName: WORKGROUP_NAME,
    },
  },
  ListSessions: {
    type: "structure",
    members: {
      NextToken: STRING,
      MaxResults: LIST_STATEMENTS_LIMIT,
      SessionId: UUID,
      Status: { type: "string", enum: ["AVAILABLE", "BUSY", "CLOSED"] },
      RoleLevel: BOOLEAN,
      ClusterIdentifier: CLUSTER_IDENTIFIER,
      WorkgroupName: WORKGROUP_NAME,
      Database: STRING,
    },
  },
  ListDatabases: { type: "structure", members: METADATA, required: ["Database"] },
  ListSchemas: {
    type: "structure",
    members: { ...METADATA, ConnectedDatabase: STRING, SchemaPattern: STRING },
    required: ["Database"],
  },
  ListTables: {
    type: "structure",
    members: { ...METADATA, ConnectedDatabase: STRING, SchemaPattern: STRING, TablePattern: STRING },
    required: ["Database"],
  },
  DescribeTable: {
    type: "structure",
    members: { ...METADATA, ConnectedDatabase: STRING, Schema: STRING, Table: STRING },
    required: ["Database"],
  },
};
