import type { IncomingMessage } from "node:http";

// Whether a request comes from this machine, for the dev tools (outbox, clock), which only a
// local visitor or a signed-in platform admin may use.

export function isLoopbackAddress(address: string | null | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith("::ffff:") ? address.slice(7) : address;
  return v4.startsWith("127.") || address === "::1";
}

const FORWARDING_HEADERS = ["forwarded", "x-forwarded-for", "x-real-ip"];

/**
 * Local only when the connection comes from loopback and, behind a trusted proxy, the client the
 * proxy saw is loopback too. Without TRUST_PROXY a request carrying forwarding headers came
 * through a proxy (from anywhere), so it is not local.
 */
export function isLocalRequest(req: IncomingMessage, options: { trustProxy: boolean; clientIp: string | undefined }): boolean {
  if (!isLoopbackAddress(req.socket.remoteAddress)) return false;
  if (options.trustProxy) return isLoopbackAddress(options.clientIp);
  return !FORWARDING_HEADERS.some((name) => req.headers[name] !== undefined);
}
