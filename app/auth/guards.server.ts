import { redirect } from "@remix-run/node";
import type { AppLoadContext } from "@remix-run/node";
import type { StaffRole } from "../../db/types";
import { forbidden, notFound } from "../utils/http.server";
import { getSessionUser, type SessionUser } from "./session.server";

// The one family of access checks every loader and action uses.

export interface GuardArgs {
  request: Request;
  context: AppLoadContext;
}

export function optionalUser({ request, context }: GuardArgs): Promise<SessionUser | null> {
  return getSessionUser(request, context);
}

export async function requireUser(args: GuardArgs): Promise<SessionUser> {
  const user = await optionalUser(args);
  if (!user) {
    const url = new URL(args.request.url);
    throw redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`);
  }
  return user;
}

export async function requirePlatformAdmin(args: GuardArgs): Promise<SessionUser> {
  const user = await requireUser(args);
  if (!user.isPlatformAdmin) throw forbidden();
  return user;
}

export function hasStaffRole(user: SessionUser | null, hostId: number, roles: readonly StaffRole[]): boolean {
  if (!user) return false;
  return user.staffRoles.some((r) => r.hostId === hostId && roles.includes(r.role));
}

/** Hosts where the user holds any of the roles. */
export function staffHostIds(user: SessionUser, roles: readonly StaffRole[]): number[] {
  return [...new Set(user.staffRoles.filter((r) => roles.includes(r.role)).map((r) => r.hostId))];
}

export async function requireStaff(args: GuardArgs, hostId: number, roles: readonly StaffRole[]): Promise<SessionUser> {
  const user = await requireUser(args);
  if (!hasStaffRole(user, hostId, roles)) throw forbidden();
  return user;
}

/** Any staff role at any host (the staff dashboard). */
export async function requireAnyStaff(args: GuardArgs, roles: readonly StaffRole[]): Promise<SessionUser> {
  const user = await requireUser(args);
  if (staffHostIds(user, roles).length === 0) throw forbidden();
  return user;
}

export function membershipOf(user: SessionUser | null, enterpriseId: number) {
  return user?.memberships.find((m) => m.enterpriseId === enterpriseId) ?? null;
}

export async function requireEnterpriseMember(
  args: GuardArgs,
  enterpriseId: number,
  options: { owner?: boolean } = {},
): Promise<SessionUser> {
  const user = await requireUser(args);
  const membership = membershipOf(user, enterpriseId);
  if (!membership || (options.owner && membership.role !== "owner")) throw forbidden();
  return user;
}

/** The dev tools (outbox, clock): only where DEV_TOOLS is on, and then only from this machine or for a platform admin. */
export function mayUseDevTools(context: AppLoadContext, user: SessionUser | null): boolean {
  return context.services.devTools && (context.clientIsLocal || user?.isPlatformAdmin === true);
}

/** Anyone else gets a 404: the outbox holds every reset link, the clock lifts deadlines. */
export async function requireDevTools(args: GuardArgs): Promise<void> {
  if (!args.context.services.devTools) throw notFound();
  if (args.context.clientIsLocal) return;
  if (!mayUseDevTools(args.context, await optionalUser(args))) throw notFound();
}

/** Parses a numeric id from the URL; anything else is a 404, never a 500. */
export function idParam(value: string | undefined): number {
  if (!value || !/^[1-9]\d{0,15}$/.test(value)) throw notFound();
  const id = Number(value);
  if (!Number.isSafeInteger(id)) throw notFound();
  return id;
}
