import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

// A local stand-in for S3-compatible object storage, spoken to by the real @aws-sdk/client-s3
// with path-style addresses (http://host/<bucket>/<key>). It implements what the file store uses
// — PutObject, GetObject, HeadObject — keeps objects in memory, checks that every request is
// signed with the expected access key and that a body matches its x-amz-content-sha256.

export const FAKE_S3_ACCESS_KEY = "AKIAFAKES3TESTKEY000";
export const FAKE_S3_SECRET_KEY = "fake-s3-secret-key-for-tests-only";

export interface FakeS3 {
  url: string;
  bucket: string;
  objects: Map<string, Buffer>;
  requests: { method: string; key: string; status: number }[];
  close(): Promise<void>;
}

function xmlError(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { "Content-Type": "application/xml" });
  res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startFakeS3(bucket = "hamkke-test"): Promise<FakeS3> {
  const objects = new Map<string, Buffer>();
  const requests: FakeS3["requests"] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<number> => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const [, bucketName = "", ...rest] = url.pathname.split("/");
    const key = decodeURIComponent(rest.join("/"));
    const authorization = req.headers.authorization ?? "";
    if (!authorization.startsWith(`AWS4-HMAC-SHA256 Credential=${FAKE_S3_ACCESS_KEY}/`)) {
      xmlError(res, 403, "InvalidAccessKeyId", "The AWS access key ID you provided does not exist in our records.");
      return 403;
    }
    if (bucketName !== bucket) {
      xmlError(res, 404, "NoSuchBucket", "The specified bucket does not exist");
      return 404;
    }
    if (req.method === "PUT") {
      const body = await readBody(req);
      const declared = req.headers["x-amz-content-sha256"];
      if (typeof declared === "string" && /^[0-9a-f]{64}$/.test(declared) && createHash("sha256").update(body).digest("hex") !== declared) {
        xmlError(res, 400, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.");
        return 400;
      }
      objects.set(key, body);
      res.writeHead(200, { ETag: `"${createHash("md5").update(body).digest("hex")}"` });
      res.end();
      return 200;
    }
    if (req.method === "GET" || req.method === "HEAD") {
      const object = objects.get(key);
      if (!object) {
        if (req.method === "HEAD") {
          res.writeHead(404);
          res.end();
        } else xmlError(res, 404, "NoSuchKey", "The specified key does not exist.");
        return 404;
      }
      res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": String(object.byteLength), ETag: `"${createHash("md5").update(object).digest("hex")}"` });
      res.end(req.method === "GET" ? object : undefined);
      return 200;
    }
    xmlError(res, 405, "MethodNotAllowed", "The specified method is not allowed against this resource.");
    return 405;
  };

  const server = createServer((req, res) => {
    handle(req, res).then(
      (status) => requests.push({ method: req.method ?? "", key: decodeURIComponent((req.url ?? "").split("?")[0] ?? ""), status }),
      (error: unknown) => {
        res.writeHead(500);
        res.end(String(error));
      },
    );
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", () => done()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bucket,
    objects,
    requests,
    close: () => new Promise((done) => server.close(() => done())),
  };
}
