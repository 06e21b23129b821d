import { RedshiftDataClient } from "@aws-sdk/client-redshift-data";
import { startEmulator } from "../../src/emulator/index.js";
import { createWarehouse, type Warehouse } from "../../src/warehouse/index.js";
import { FAST_POLL, FAST_RETRY } from "../helpers/warehouse.js";

/**
 * Where the conformance scenarios run: the embedded emulator (in `npm test`) or a real Redshift
 * cluster or serverless workgroup (`npm run test:redshift`, see docs/real-redshift.md). The scenarios
 * see only this: the same assertions hold on both, so the emulator is compared with Redshift by one
 * suite.
 */
export interface ConformanceTarget {
  readonly name: "emulator" | "redshift";
  /** The database the statements run in; the scratch source tables live there too. */
  readonly database: string;
  /** The config entry of an environment on this target (`redshift-views.config.json`). */
  readonly environment: Readonly<Record<string, string>>;
  /** A client for the library, or undefined for the default AWS credential chain. */
  readonly client: RedshiftDataClient | undefined;
  /** The tool's warehouse client as the configured user, for what a scenario reads or runs itself. */
  readonly warehouse: Warehouse;
  /**
   * The tool's warehouse client as another database user, when the target can log in as one
   * (`DbUser` on a provisioned cluster or the emulator; a serverless workgroup cannot choose).
   */
  asUser?(user: string): Warehouse;
  close(): Promise<void>;
}

/** What `npm run test:redshift` reads; docs/real-redshift.md explains each. */
const REDSHIFT_VARIABLES = {
  workgroup: "REDSHIFT_VIEWS_TEST_WORKGROUP",
  cluster: "REDSHIFT_VIEWS_TEST_CLUSTER",
  database: "REDSHIFT_VIEWS_TEST_DATABASE",
  dbUser: "REDSHIFT_VIEWS_TEST_DB_USER",
  secretArn: "REDSHIFT_VIEWS_TEST_SECRET_ARN",
  region: "AWS_REGION",
} as const;

export type RedshiftSettings =
  | {
      readonly ok: true;
      readonly environment: Record<string, string>;
      readonly database: string;
      readonly region: string;
    }
  | { readonly ok: false; readonly missing: string };

/** The real target named by the environment, or what is missing. */
export function redshiftSettings(env: Readonly<Record<string, string | undefined>>): RedshiftSettings {
  const value = (name: string) => (env[name] === undefined || env[name] === "" ? undefined : env[name]);
  const workgroup = value(REDSHIFT_VARIABLES.workgroup);
  const cluster = value(REDSHIFT_VARIABLES.cluster);
  const database = value(REDSHIFT_VARIABLES.database);
  const region = value(REDSHIFT_VARIABLES.region);
  const dbUser = value(REDSHIFT_VARIABLES.dbUser);
  const secretArn = value(REDSHIFT_VARIABLES.secretArn);
  if ((workgroup === undefined) === (cluster === undefined))
    return {
      ok: false,
      missing: `one of ${REDSHIFT_VARIABLES.workgroup} (serverless) or ${REDSHIFT_VARIABLES.cluster} (provisioned)`,
    };
  if (database === undefined) return { ok: false, missing: REDSHIFT_VARIABLES.database };
  if (region === undefined) return { ok: false, missing: REDSHIFT_VARIABLES.region };
  if (cluster !== undefined && dbUser === undefined && secretArn === undefined)
    return {
      ok: false,
      missing: `${REDSHIFT_VARIABLES.dbUser} or ${REDSHIFT_VARIABLES.secretArn} (a provisioned cluster needs a database user)`,
    };
  return {
    ok: true,
    database,
    region,
    environment: {
      ...(workgroup === undefined ? {} : { workgroupName: workgroup }),
      ...(cluster === undefined ? {} : { clusterIdentifier: cluster }),
      ...(dbUser === undefined ? {} : { dbUser }),
      ...(secretArn === undefined ? {} : { secretArn }),
      database,
      region,
    },
  };
}

/** A real Redshift target; requests go through the default AWS credential chain. */
export function redshiftTarget(settings: Extract<RedshiftSettings, { ok: true }>): ConformanceTarget {
  const { environment, database } = settings;
  const client = new RedshiftDataClient({ region: settings.region, maxAttempts: 1 });
  const connection = (dbUser?: string) => ({
    Database: database,
    ...(environment.workgroupName === undefined ? {} : { WorkgroupName: environment.workgroupName }),
    ...(environment.clusterIdentifier === undefined
      ? {}
      : { ClusterIdentifier: environment.clusterIdentifier }),
    ...(dbUser !== undefined
      ? { DbUser: dbUser }
      : {
          ...(environment.dbUser === undefined ? {} : { DbUser: environment.dbUser }),
          ...(environment.secretArn === undefined ? {} : { SecretArn: environment.secretArn }),
        }),
  });
  const over = (dbUser?: string) => createWarehouse({ client, connection: connection(dbUser) });
  return {
    name: "redshift",
    database,
    environment,
    client: undefined,
    warehouse: over(),
    ...(environment.clusterIdentifier === undefined ? {} : { asUser: (user: string) => over(user) }),
    close: async () => client.destroy(),
  };
}

/** The embedded emulator, as the tests' warehouse harness connects to it: the superuser awsuser. */
export async function emulatorTarget(): Promise<ConformanceTarget> {
  const emulator = await startEmulator();
  const client = new RedshiftDataClient({
    endpoint: emulator.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
  const over = (dbUser: string) =>
    createWarehouse({
      client,
      connection: { ClusterIdentifier: "local", DbUser: dbUser, Database: emulator.database },
      poll: FAST_POLL,
      retry: FAST_RETRY,
    });
  return {
    name: "emulator",
    database: emulator.database,
    environment: {
      clusterIdentifier: "local",
      dbUser: "awsuser",
      database: emulator.database,
      region: "us-east-1",
    },
    client,
    warehouse: over("awsuser"),
    asUser: over,
    close: async () => {
      client.destroy();
      await emulator.stop();
    },
  };
}
