// The Data API clients the benchmarks point at their emulators: fake credentials, SDK retries off
// (the warehouse client retries itself), optionally counting every request by operation.
import { RedshiftDataClient } from "@aws-sdk/client-redshift-data";

/** A Data API client for the emulator at `endpoint`. */
export function benchClient(endpoint) {
  return new RedshiftDataClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
    maxAttempts: 1,
  });
}

/** A Data API client for `endpoint` whose `calls` counts every request it sends, by operation. */
export function countedClient(endpoint) {
  const client = benchClient(endpoint);
  client.calls = {};
  client.middlewareStack.add(
    (next, context) => (args) => {
      client.calls[context.commandName] = (client.calls[context.commandName] ?? 0) + 1;
      return next(args);
    },
    { step: "initialize", name: "benchCallCounter" },
  );
  return client;
}
