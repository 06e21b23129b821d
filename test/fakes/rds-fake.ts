import { randomUUID } from "node:crypto";
import {
  type HttpReply,
  type ReceivedHttpRequest,
  signedRegion,
  signedService,
  startHttpServer,
} from "./http-server.js";

/**
 * A local stand-in for the RDS API's zero-ETL integration calls, spoken to by the real
 * `@aws-sdk/client-rds`: the awsQuery protocol — a form-encoded `POST /` with
 * `Action=DescribeIntegrations|ModifyIntegration&Version=2014-10-31&…`, answered in XML
 * (`<DescribeIntegrationsResponse><DescribeIntegrationsResult><Integrations><Integration>…`, errors as
 * `<ErrorResponse><Error><Type/><Code/><Message/></Error>`).
 *
 * As strict as the documentation: `IntegrationNotFoundFault` (404) for an unknown integration;
 * `InvalidIntegrationStateFault` when modifying an integration that is not `active` (after a
 * modification it stays `modifying` until the test calls `settle`); `DataFilter` of 1–25,600
 * characters from the documented character set
 * (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_Integration.html), at most 99
 * patterns of 256 characters (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/zero-etl.filtering.html).
 */
export interface FakeIntegration {
  readonly arn: string;
  readonly name: string;
  status: string;
  dataFilter: string | undefined;
  readonly sourceArn: string;
  readonly targetArn: string;
  readonly createTime: Date;
}

interface ReceivedRdsCall {
  readonly action: string;
  /** The decoded form parameters, `Action` and `Version` included. */
  readonly params: Readonly<Record<string, string>>;
  /** The region the request was signed for (the client's region). */
  readonly region: string | undefined;
  /** What the fake answered: `ok`, or the error code. */
  readonly outcome: string;
}

type RdsAction = "DescribeIntegrations" | "ModifyIntegration";

export interface RdsFake {
  readonly endpoint: string;
  readonly calls: readonly ReceivedRdsCall[];
  /** The ModifyIntegration calls the fake accepted: what the service received and applied. */
  modifications(): { identifier: string; dataFilter: string | undefined }[];
  integration(identifier: string): FakeIntegration | undefined;
  /** Ends a modification: the integration becomes `active` again. */
  settle(identifier: string): void;
  /** Answer this action with AccessDenied from now on (`null`: allow everything again). */
  denyAccess(action: RdsAction | null): void;
  close(): Promise<void>;
}

export function fakeIntegration(
  overrides: Partial<Omit<FakeIntegration, "status" | "dataFilter">> & {
    status?: string;
    dataFilter?: string;
  } = {},
): FakeIntegration {
  const id = "5b9d2d43-8d4b-4e0f-9d5c-0c1c2f0b7a11";
  return {
    arn: overrides.arn ?? `arn:aws:rds:eu-west-1:123456789012:integration:${id}`,
    name: overrides.name ?? "app-to-analytics",
    status: overrides.status ?? "active",
    dataFilter: overrides.dataFilter,
    sourceArn: overrides.sourceArn ?? "arn:aws:rds:eu-west-1:123456789012:cluster:app",
    targetArn:
      overrides.targetArn ?? "arn:aws:redshift-serverless:eu-west-1:123456789012:namespace/analytics",
    createTime: overrides.createTime ?? new Date(Date.UTC(2025, 0, 1)),
  };
}

const DATA_FILTER_CHARACTERS = /^[a-zA-Z0-9_ "\\\-$,*.:?+/]*$/;

export async function startRdsFake(options: { integrations: FakeIntegration[] }): Promise<RdsFake> {
  const integrations = options.integrations;
  const calls: ReceivedRdsCall[] = [];
  let denied: RdsAction | null = null;
  const find = (identifier: string | undefined) =>
    integrations.find((integration) => integration.arn === identifier || integration.name === identifier);

  const handle = (request: ReceivedHttpRequest): HttpReply => {
    if (signedService(request.headers) !== "rds") {
      return error(403, "MissingAuthenticationToken", "Request is missing a SigV4 signature for rds.");
    }
    if (
      request.method !== "POST" ||
      !String(request.headers["content-type"]).startsWith("application/x-www-form-urlencoded")
    ) {
      return error(400, "InvalidAction", "awsQuery requests are form-encoded POSTs.");
    }
    const params = Object.fromEntries(new URLSearchParams(request.body.toString("utf8")));
    const action = params.Action ?? "";
    const answer = (reply: HttpReply, outcome: string) => {
      calls.push({ action, params, region: signedRegion(request.headers), outcome });
      return reply;
    };
    if (params.Version !== "2014-10-31") {
      return answer(error(400, "InvalidParameterValue", "Unknown API version."), "InvalidParameterValue");
    }
    if (action === denied) {
      return answer(
        error(
          403,
          "AccessDenied",
          `User: arn:aws:iam::123456789012:user/deployer is not authorized to perform: rds:${action} on resource: ${params.IntegrationIdentifier ?? "*"} because no identity-based policy allows the rds:${action} action`,
        ),
        "AccessDenied",
      );
    }
    switch (action) {
      case "DescribeIntegrations": {
        const identifier = params.IntegrationIdentifier;
        const found =
          identifier === undefined ? integrations : [find(identifier)].filter((x) => x !== undefined);
        if (identifier !== undefined && found.length === 0) {
          return answer(notFound(identifier), "IntegrationNotFoundFault");
        }
        const members = found.map(
          (integration) => `<Integration>${integrationXml(integration)}</Integration>`,
        );
        return answer(ok("DescribeIntegrations", `<Integrations>${members.join("")}</Integrations>`), "ok");
      }
      case "ModifyIntegration": {
        const identifier = params.IntegrationIdentifier;
        const integration = find(identifier);
        if (integration === undefined) return answer(notFound(identifier ?? ""), "IntegrationNotFoundFault");
        if (integration.status !== "active") {
          return answer(
            error(
              400,
              "InvalidIntegrationStateFault",
              `Integration ${integration.arn} is in state ${integration.status}.`,
            ),
            "InvalidIntegrationStateFault",
          );
        }
        const dataFilter = params.DataFilter;
        if (dataFilter !== undefined) {
          const invalid = invalidFilter(dataFilter);
          if (invalid !== undefined)
            return answer(error(400, "InvalidParameterValue", invalid), "InvalidParameterValue");
          integration.dataFilter = dataFilter;
        }
        integration.status = "modifying";
        return answer(ok("ModifyIntegration", integrationXml(integration)), "ok");
      }
      default:
        return answer(error(400, "InvalidAction", `The fake does not serve ${action}.`), "InvalidAction");
    }
  };

  const server = await startHttpServer(handle);
  return {
    endpoint: server.endpoint,
    calls,
    modifications: () =>
      calls
        .filter((call) => call.action === "ModifyIntegration" && call.outcome === "ok")
        .map((call) => ({
          identifier: call.params.IntegrationIdentifier ?? "",
          dataFilter: call.params.DataFilter,
        })),
    integration: find,
    settle: (identifier) => {
      const integration = find(identifier);
      if (integration !== undefined) integration.status = "active";
    },
    denyAccess: (action) => {
      denied = action;
    },
    close: () => server.close(),
  };
}

function invalidFilter(filter: string): string | undefined {
  if (filter.length < 1 || filter.length > 25_600) return "DataFilter must be 1 to 25600 characters long.";
  if (!DATA_FILTER_CHARACTERS.test(filter)) return "DataFilter contains characters that are not allowed.";
  const patterns = splitPatterns(filter);
  if (patterns.length > 99) return "A data filter can have at most 99 patterns.";
  if (patterns.some((pattern) => pattern.replace(/^\s*(include|exclude)\s*:\s*/i, "").trim().length > 256)) {
    return "A data filter pattern can have at most 256 characters.";
  }
  return undefined;
}

/** Splits at the commas outside `/regular expressions/` (which end at a `/` not preceded by `\`). */
function splitPatterns(filter: string): string[] {
  const patterns: string[] = [];
  let current = "";
  let inRegex = false;
  for (let index = 0; index < filter.length; index += 1) {
    const char = filter[index] ?? "";
    if (char === "/" && filter[index - 1] !== "\\") inRegex = !inRegex;
    if (char === "," && !inRegex) {
      patterns.push(current);
      current = "";
    } else current += char;
  }
  patterns.push(current);
  return patterns;
}

function integrationXml(integration: FakeIntegration): string {
  return [
    tag("SourceArn", integration.sourceArn),
    tag("TargetArn", integration.targetArn),
    tag("IntegrationName", integration.name),
    tag("IntegrationArn", integration.arn),
    tag("Status", integration.status),
    "<Tags/>",
    integration.dataFilter === undefined ? "" : tag("DataFilter", integration.dataFilter),
    tag("CreateTime", integration.createTime.toISOString()),
    "<Errors/>",
  ].join("");
}

function ok(action: RdsAction, result: string): HttpReply {
  return {
    status: 200,
    headers: { "content-type": "text/xml" },
    body: `<${action}Response xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`,
  };
}

function notFound(identifier: string): HttpReply {
  return error(404, "IntegrationNotFoundFault", `Integration ${identifier} not found.`);
}

function error(status: number, code: string, message: string): HttpReply {
  return {
    status,
    headers: { "content-type": "text/xml" },
    body: `<ErrorResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><Error><Type>Sender</Type>${tag("Code", code)}${tag("Message", message)}</Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  };
}

function tag(name: string, value: string): string {
  return `<${name}>${escapeXml(value)}</${name}>`;
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
