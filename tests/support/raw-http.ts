import { request } from "node:http";
import { connect } from "node:net";

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Body bytes the client had handed to the socket when the answer came or the server closed. */
  bytesSent: number;
}

/**
 * Streams a chunked request body produced by `nextChunk` (null: end) over a plain socket, and
 * reads the answer even while still sending, as curl does. Stops writing as soon as anything
 * comes back or the server closes; a connection reset after the answer is not an error.
 */
export function sendStreaming(url: string, options: { headers: Record<string, string>; nextChunk: (sent: number) => Buffer | null }): Promise<RawResponse> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    let bytesSent = 0;
    let received = Buffer.alloc(0);
    const socket = connect(Number(target.port), target.hostname);
    const finish = () => {
      const text = received.toString("utf8");
      const [head = "", ...rest] = text.split("\r\n\r\n");
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      const headers: Record<string, string> = {};
      for (const line of head.split("\r\n").slice(1)) {
        const at = line.indexOf(":");
        if (at > 0) headers[line.slice(0, at).toLowerCase()] = line.slice(at + 1).trim();
      }
      resolve({ status, headers, body: rest.join("\r\n\r\n"), bytesSent });
    };
    socket.on("data", (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
    socket.on("error", (error) => (received.length > 0 ? finish() : reject(error)));
    socket.on("close", finish);
    socket.on("connect", () => {
      const head = [`POST ${target.pathname}${target.search} HTTP/1.1`, `Host: ${target.host}`, "Transfer-Encoding: chunked", ...Object.entries(options.headers).map(([k, v]) => `${k}: ${v}`)];
      socket.write(`${head.join("\r\n")}\r\n\r\n`);
      const pump = () => {
        while (received.length === 0 && !socket.destroyed) {
          const chunk = options.nextChunk(bytesSent);
          if (chunk === null) {
            socket.write("0\r\n\r\n");
            return;
          }
          bytesSent += chunk.length;
          if (!socket.write(Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n")]))) {
            socket.once("drain", pump);
            return;
          }
        }
        // Answered: stop sending and let the server close.
        if (!socket.destroyed) socket.end();
      };
      pump();
    });
  });
}

/** Sends only a request's headers and waits for the answer, never the body it announces. */
export function sendHeadersOnly(url: string, headers: Record<string, string>, timeoutMs = 10_000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", headers });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`${url}: no answer within ${timeoutMs} ms without the body`));
    }, timeoutMs);
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        clearTimeout(timer);
        req.destroy();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8"), bytesSent: 0 });
      });
    });
    req.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.flushHeaders();
  });
}

/** Writes raw bytes to the server and returns the status line's code (0 when it only closed). */
export function sendRaw(host: string, port: number, bytes: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, host);
    let received = "";
    socket.on("connect", () => socket.end(bytes));
    socket.on("data", (chunk: Buffer) => (received += chunk.toString("latin1")));
    socket.on("error", (error) => (received ? resolve(Number(received.slice(9, 12)) || 0) : reject(error)));
    socket.on("close", () => resolve(Number(received.slice(9, 12)) || 0));
  });
}
