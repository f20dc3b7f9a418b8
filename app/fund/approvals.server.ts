import { listWriteOffRequests } from "../loans/write-offs.server";
import type { DbOrTx } from "../utils/db.server";
import { listGrantRequests } from "./grant-requests.server";

const RECENTLY_DECIDED = 20;

/** Everything a fund's administrators must decide under four eyes, and what was decided lately. */
export async function fundApprovals(db: DbOrTx, fundId: number) {
  const [grants, writeOffs] = await Promise.all([listGrantRequests(db, fundId, { decidedLimit: RECENTLY_DECIDED }), listWriteOffRequests(db, { fundId }, { decidedLimit: RECENTLY_DECIDED })]);
  return { grants, writeOffs };
}

/** How many requests wait for a second administrator (the tab's badge). */
export async function countOpenRequests(db: DbOrTx, fundId: number): Promise<number> {
  const [grants, writeOffs] = await Promise.all([
    db.selectFrom("fund_grant_requests").select((eb) => eb.fn.countAll<string>().as("n")).where("fund_id", "=", fundId).where("state", "=", "requested").executeTakeFirstOrThrow(),
    db
      .selectFrom("loan_write_off_requests as r")
      .innerJoin("loans as l", "l.id", "r.loan_id")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("l.fund_id", "=", fundId)
      .where("r.state", "=", "requested")
      .executeTakeFirstOrThrow(),
  ]);
  return Number(grants.n) + Number(writeOffs.n);
}
