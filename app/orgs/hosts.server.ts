import { listPublishedContests } from "../contests/contests.server";
import type { DbOrTx } from "../utils/db.server";

/** A host's public page: who it is, its published calls and programmes, and its funds. */
export async function getHostPage(db: DbOrTx, key: string) {
  const host = await db.selectFrom("host_organisations").select(["id", "key", "name", "kind", "region"]).where("key", "=", key).executeTakeFirst();
  if (!host) return null;
  const [contests, funds] = await Promise.all([listPublishedContests(db, host.id), db.selectFrom("funds").select(["id", "slug", "name"]).where("host_id", "=", host.id).orderBy("id").execute()]);
  return { host, contests, funds };
}
