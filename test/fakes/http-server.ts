import http from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";

/** A request as a fake service received it: headers, and the body decoded from gzip when it was sent so. */
export interface ReceivedHttpRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  /** Whether the client sent the body gzip-compressed (`Content-Encoding: gzip`). */
  readonly gzip: boolean;
}

export interface HttpReply {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface RunningHttpServer {
  readonly endpoint: string;
  close(): Promise<void>;
}

/** A loopback HTTP server on a free port that answers every request with `handle`. */
export async function startHttpServer(
  handle: (request: ReceivedHttpRequest) => HttpReply,
): Promise<RunningHttpServer> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      let reply: HttpReply;
      try {
        const raw = Buffer.concat(chunks);
        const gzip = req.headers["content-encoding"] === "gzip";
        reply = handle({
          method: req.method ?? "",
          url: req.url ?? "",
          headers: req.headers,
          body: gzip ? gunzipSync(raw) : raw,
          gzip,
        });
      } catch (error) {
        reply = { status: 500, headers: {}, body: String(error) };
      }
      res.writeHead(reply.status, { ...reply.headers, "content-length": Buffer.byteLength(reply.body) });
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      }),
  };
}

/** Static credentials the SDK signs with: the fakes only check that requests are signed for their service. */
export const FAKE_CREDENTIALS = { accessKeyId: "AKIAFAKEFAKEFAKEFAKE", secretAccessKey: "fake-secret" };

const CREDENTIAL_SCOPE = /^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;

/** The SigV4 credential scope's service name (`monitoring`, `rds`) from the Authorization header. */
export function signedService(headers: http.IncomingHttpHeaders): string | undefined {
  return CREDENTIAL_SCOPE.exec(headers.authorization ?? "")?.[2];
}

/** The SigV4 credential scope's region: the region the client sent the request to. */
export function signedRegion(headers: http.IncomingHttpHeaders): string | undefined {
  return CREDENTIAL_SCOPE.exec(headers.authorization ?? "")?.[1];
}
