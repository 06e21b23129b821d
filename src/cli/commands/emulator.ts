import path from "node:path";
import { defineCommand } from "citty";
import { assertEnvironmentName, LOCAL_STATE_DIR } from "../../config/index.js";
import { LOCAL_DEPLOY_USER } from "../../connect/connection-fields.js";
import { hasLocalState, localStateWarning } from "../../connect/local-state.js";
import { seedLocalWarehouse } from "../../connect/session.js";
import { DEFAULT_SUPERUSER, faultsFromEnv, startEmulator } from "../../emulator/index.js";
import { prepareViews } from "../../generate/generate.js";
import { printSessionEvent, schemaArgs } from "../args.js";
import type { CliIo } from "../io.js";
import { UsageError } from "../usage-error.js";

export const emulatorCommand = defineCommand({
  meta: {
    name: "emulator",
    description: "Run the local Redshift Data API emulator in the foreground (Ctrl-C to stop)",
  },
  args: {
    ...schemaArgs,
    port: { type: "string", description: "Port to listen on (default: any free port)", valueHint: "n" },
    env: {
      type: "string",
      description: "Environment whose warehouse state (.redshift-views/<env>/) to serve",
      default: "development",
      valueHint: "name",
    },
    memory: { type: "boolean", description: "Keep nothing on disk" },
  },
  async run({ args, data }) {
    const io = data as CliIo;
    const environment = args.env;
    assertEnvironmentName(environment);
    const port = args.port === undefined ? 0 : Number(args.port);
    if (!/^\d+$/.test(args.port ?? "0") || port > 65535) {
      throw new UsageError(`--port ${args.port} is not a port number (0-65535; 0 picks a free one).`);
    }
    const prepared = await prepareViews({
      cwd: io.cwd,
      schemaPath: args.schema,
      generatorName: args.generator,
    });
    const dataDir = path.join(prepared.projectRoot, LOCAL_STATE_DIR, environment);
    const freshState = args.memory !== true && !hasLocalState(prepared.projectRoot);
    const emulator = await startEmulator({
      port,
      faults: faultsFromEnv(io.env),
      ...(args.memory === true ? {} : { dataDir }),
    });
    await seedLocalWarehouse(emulator, prepared, environment);
    const warning = freshState ? await localStateWarning(prepared.projectRoot) : undefined;
    if (warning !== undefined) printSessionEvent(io, warning);
    io.stdout(
      [
        `${io.colors.green("✔")} Redshift Data API emulator listening on ${io.colors.bold(emulator.endpoint)}`,
        `  state: ${args.memory === true ? "in memory" : dataDir}`,
        `  Database users: ${DEFAULT_SUPERUSER} (superuser), ${LOCAL_DEPLOY_USER} (CREATE on the database, reads the replicated tables).`,
        "  Use it with any AWS SDK or the AWS CLI, e.g.:",
        `  aws redshift-data execute-statement --endpoint-url ${emulator.endpoint} --region us-east-1 \\`,
        `    --cluster-identifier local --database dev --db-user ${DEFAULT_SUPERUSER} --sql "CREATE GROUP analysts"`,
        "  or point this tool at it: AWS_ENDPOINT_URL_REDSHIFT_DATA=" +
          `${emulator.endpoint} with an environment { clusterIdentifier: "local", dbUser: "${LOCAL_DEPLOY_USER}", database: "dev", region: "us-east-1" }.`,
        "  Press Ctrl-C to stop.",
      ].join("\n"),
    );
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    await emulator.stop();
    io.stdout("Emulator stopped.");
    return 0;
  },
});
