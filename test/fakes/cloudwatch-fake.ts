import { randomUUID } from "node:crypto";
import type http from "node:http";
import { type HttpReply, type ReceivedHttpRequest, signedService, startHttpServer } from "./http-server.js";

/**
 * A local stand-in for CloudWatch's PutMetricData, spoken to by the real `@aws-sdk/client-cloudwatch`.
 *
 * The wire protocol is what the SDK (3.116x) sends, checked against it: AWS JSON 1.0 with
 * query compatibility — `POST /`, `Content-Type: application/x-amz-json-1.0`,
 * `X-Amz-Target: GraniteServiceVersion20100801.PutMetricData`, `x-amzn-query-mode: true`, timestamps
 * as epoch seconds — and bodies over 10 KB gzip-compressed (`Content-Encoding: gzip`). Errors are
 * answered as the query-compatible service does: a JSON `__type` plus an `x-amzn-query-error:
 * <Code>;Sender` header, from which the SDK names the error (`AccessDenied`).
 *
 * It is as strict as PutMetricData's documented limits
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html): at most
 * 1,000 metrics and 1 MB a request, 30 dimensions a metric, no `AWS/` namespace, finite values.
 */
interface PutMetricDataWire {
  readonly Namespace: string;
  readonly MetricData: readonly {
    readonly MetricName: string;
    readonly Dimensions?: readonly { readonly Name: string; readonly Value: string }[];
    /** Epoch seconds. */
    readonly Timestamp?: number;
    readonly Value?: number;
    readonly Unit?: string;
  }[];
}

interface ReceivedPutMetricData {
  /** The decoded JSON body. */
  readonly request: PutMetricDataWire;
  readonly headers: http.IncomingHttpHeaders;
  readonly gzip: boolean;
  /** Size of the decoded body. */
  readonly bytes: number;
  /** What the fake answered: `ok`, or the error code. */
  readonly outcome: string;
}

type CloudWatchFailure = "access-denied";

export interface CloudWatchFake {
  readonly endpoint: string;
  /** Every PutMetricData received, accepted or not, in order. */
  readonly received: readonly ReceivedPutMetricData[];
  /** The requests the fake accepted (what CloudWatch would have stored). */
  accepted(): PutMetricDataWire[];
  /** Answer every following call with this failure (`null`: succeed again). */
  failWith(failure: CloudWatchFailure | null): void;
  close(): Promise<void>;
}

const TARGET_PREFIX = "GraniteServiceVersion20100801.";
const MAX_METRICS = 1000;
const MAX_BYTES = 1_048_576;
const MAX_DIMENSIONS = 30;

export async function startCloudWatchFake(): Promise<CloudWatchFake> {
  const received: ReceivedPutMetricData[] = [];
  let failure: CloudWatchFailure | null = null;

  const handle = (request: ReceivedHttpRequest): HttpReply => {
    if (signedService(request.headers) !== "monitoring") {
      return error(403, "MissingAuthenticationToken", "Request is missing a SigV4 signature for monitoring.");
    }
    const target = String(request.headers["x-amz-target"] ?? "");
    if (
      request.method !== "POST" ||
      request.headers["content-type"] !== "application/x-amz-json-1.0" ||
      !target.startsWith(TARGET_PREFIX)
    ) {
      return error(400, "InvalidAction", `Unexpected request ${request.method} ${target}.`);
    }
    const operation = target.slice(TARGET_PREFIX.length);
    if (operation !== "PutMetricData") {
      return error(400, "InvalidAction", `The fake serves PutMetricData only, not ${operation}.`);
    }
    const body = JSON.parse(request.body.toString("utf8")) as PutMetricDataWire;
    const record = (outcome: string) =>
      received.push({
        request: body,
        headers: request.headers,
        gzip: request.gzip,
        bytes: request.body.length,
        outcome,
      });
    if (failure === "access-denied") {
      record("AccessDenied");
      return error(
        403,
        "AccessDenied",
        "User: arn:aws:iam::123456789012:user/monitor is not authorized to perform: cloudwatch:PutMetricData because no identity-based policy allows the cloudwatch:PutMetricData action",
        "com.amazon.coral.service#AccessDeniedException",
      );
    }
    const invalid = validate(body, request.body.length);
    if (invalid !== undefined) {
      record(invalid.code);
      return error(invalid.status, invalid.code, invalid.message);
    }
    record("ok");
    return {
      status: 200,
      headers: { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": randomUUID() },
      body: "{}",
    };
  };

  const server = await startHttpServer(handle);
  return {
    endpoint: server.endpoint,
    received,
    accepted: () => received.filter((entry) => entry.outcome === "ok").map((entry) => entry.request),
    failWith: (next) => {
      failure = next;
    },
    close: () => server.close(),
  };
}

function validate(
  body: PutMetricDataWire,
  bytes: number,
): { status: number; code: string; message: string } | undefined {
  if (bytes > MAX_BYTES) {
    return { status: 413, code: "RequestEntityTooLarge", message: "Request size exceeded 1048576 bytes" };
  }
  if (typeof body.Namespace !== "string" || body.Namespace.startsWith("AWS/")) {
    return {
      status: 400,
      code: "InvalidParameterValue",
      message: "The value AWS/ for parameter Namespace is invalid.",
    };
  }
  if (
    !Array.isArray(body.MetricData) ||
    body.MetricData.length === 0 ||
    body.MetricData.length > MAX_METRICS
  ) {
    return {
      status: 400,
      code: "InvalidParameterValue",
      message: `The collection MetricData must not have a size greater than ${MAX_METRICS}.`,
    };
  }
  for (const datum of body.MetricData) {
    if ((datum.Dimensions?.length ?? 0) > MAX_DIMENSIONS) {
      return {
        status: 400,
        code: "InvalidParameterValue",
        message: `The collection Dimensions must not have a size greater than ${MAX_DIMENSIONS}.`,
      };
    }
    if (datum.Value !== undefined && !Number.isFinite(datum.Value)) {
      return {
        status: 400,
        code: "InvalidParameterValue",
        message: "The value for parameter Value is invalid.",
      };
    }
  }
  return undefined;
}

function error(
  status: number,
  code: string,
  message: string,
  type = `com.amazonaws.cloudwatch#${code}`,
): HttpReply {
  return {
    status,
    headers: {
      "content-type": "application/x-amz-json-1.0",
      "x-amzn-requestid": randomUUID(),
      "x-amzn-query-error": `${code};Sender`,
    },
    body: JSON.stringify({ __type: type, message }),
  };
}
