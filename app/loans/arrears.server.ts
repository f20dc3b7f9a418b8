import { sql } from "kysely";
import { enqueueEmail } from "../email/outbox.server";
import type { Services } from "../server/services";
import { seoulDate } from "../utils/dates";
import type { Tx } from "../utils/db.server";
import { applicantRecipients } from "./applications.server";
import { contractTerms, loadInstalments, markDelinquentIfOverdue } from "./loans.server";
import { penaltyRateBp } from "./schedule";
import { arrearsAsOf, overdueBase } from "./servicing";

// The daily side of servicing, run by the tick: loans overdue beyond their grace days become
// delinquent, reminders go out before due dates and notices once an instalment is overdue. Each
// change is claimed with a conditional update in its own transaction, so two workers, or a second
// tick, never send anything twice.

const BATCH = 200;

async function loanContext(trx: Tx, loanId: number) {
  return trx
    .selectFrom("loans as l")
    .innerJoin("loan_applications as a", "a.id", "l.application_id")
    .innerJoin("enterprises as e", "e.id", "l.enterprise_id")
    .select(["l.id", "l.state", "l.enterprise_id", "l.principal_won", "l.rate_bp", "l.penalty_bp", "l.repayment_method", "l.grace_months", "l.term_months", "l.disbursed_on", "l.delinquency_grace_days", "a.submitted_by", "e.name as enterprise_name"])
    .where("l.id", "=", loanId)
    .executeTakeFirstOrThrow();
}

async function notify(trx: Tx, services: Services, loanId: number, kind: "upcoming" | "overdue" | "delinquent", dueDate: string, today: string): Promise<void> {
  const loan = await loanContext(trx, loanId);
  const instalments = await loadInstalments(trx, loanId);
  const terms = contractTerms(loan);
  const arrears = arrearsAsOf(instalments, today, terms);
  const instalment = instalments.find((i) => i.dueDate === dueDate && i.paidOffOn === null);
  const amountWon = kind === "upcoming" ? (instalment ? overdueBase(instalment) : 0) : arrears.totalWon;
  for (const recipient of await applicantRecipients(trx, loan.enterprise_id, loan.submitted_by)) {
    await enqueueEmail(trx, recipient.email, "loanPaymentNotice", {
      locale: recipient.locale,
      enterpriseName: loan.enterprise_name,
      loanId,
      kind,
      dueDate: kind === "upcoming" ? dueDate : (arrears.oldestDueDate ?? dueDate),
      amountWon,
      penaltyWon: arrears.penaltyWon,
      daysOverdue: arrears.daysOverdue,
      penaltyRateBp: penaltyRateBp(loan.rate_bp, loan.penalty_bp),
      loanUrl: `${services.origin}/enterprises/${loan.enterprise_id}/loans/${loanId}`,
    });
  }
}

async function markDelinquent(services: Services, today: string): Promise<number> {
  const { db } = services;
  const candidates = await db
    .selectFrom("loans as l")
    .select("l.id")
    .where("l.state", "in", ["disbursed", "repaying"])
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom("loan_instalments as i")
          .select("i.number")
          .whereRef("i.loan_id", "=", "l.id")
          .where("i.paid_off_on", "is", null)
          .where(sql<boolean>`i.due_date < ${today}::date - l.delinquency_grace_days`),
      ),
    )
    .orderBy("l.id")
    .limit(BATCH)
    .execute();
  let changed = 0;
  for (const { id } of candidates) {
    const done = await db.transaction().execute(async (trx) => {
      const oldestDue = await markDelinquentIfOverdue(trx, id, today, services.clock.now());
      if (oldestDue === null) return false;
      await notify(trx, services, id, "delinquent", oldestDue, today);
      return true;
    });
    if (done) changed += 1;
  }
  return changed;
}

async function cureDelinquent(services: Services, today: string): Promise<number> {
  const { db } = services;
  const candidates = await db
    .selectFrom("loans as l")
    .select("l.id")
    .where("l.state", "=", "delinquent")
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("loan_instalments as i")
            .select("i.number")
            .whereRef("i.loan_id", "=", "l.id")
            .where("i.paid_off_on", "is", null)
            .where(sql<boolean>`i.due_date < ${today}::date - l.delinquency_grace_days`),
        ),
      ),
    )
    .limit(BATCH)
    .execute();
  let changed = 0;
  for (const { id } of candidates) {
    const result = await db.updateTable("loans").set({ state: "repaying", updated_at: services.clock.now() }).where("id", "=", id).where("state", "=", "delinquent").executeTakeFirst();
    if (Number(result.numUpdatedRows) > 0) {
      await db.insertInto("loan_events").values({ loan_id: id, kind: "cured", effective_on: today, reason: "", details: "{}", actor_id: null, occurred_at: services.clock.now() }).execute();
      changed += 1;
    }
  }
  return changed;
}

/** A reminder for each instalment falling due within the fund's reminder window. */
async function sendReminders(services: Services, today: string): Promise<number> {
  const { db } = services;
  const due = await db
    .selectFrom("loan_instalments as i")
    .innerJoin("loans as l", "l.id", "i.loan_id")
    .innerJoin("funds as f", "f.id", "l.fund_id")
    .select(["i.loan_id", "i.number", "i.due_date"])
    .where("i.paid_off_on", "is", null)
    .where("i.reminder_sent_at", "is", null)
    .where("l.state", "in", ["disbursed", "repaying", "delinquent"])
    .where("i.due_date", ">=", today)
    .where(sql<boolean>`i.due_date <= ${today}::date + f.reminder_days_before`)
    .orderBy("i.due_date")
    .limit(BATCH)
    .execute();
  let sent = 0;
  for (const row of due) {
    const claimed = await db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable("loan_instalments")
        .set({ reminder_sent_at: services.clock.now() })
        .where("loan_id", "=", row.loan_id)
        .where("number", "=", row.number)
        .where("reminder_sent_at", "is", null)
        .where("paid_off_on", "is", null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) return false;
      await notify(trx, services, row.loan_id, "upcoming", row.due_date, today);
      return true;
    });
    if (claimed) sent += 1;
  }
  return sent;
}

/** One overdue notice per loan for the instalments that became overdue since the last one. */
async function sendOverdueNotices(services: Services, today: string): Promise<number> {
  const { db } = services;
  const loans = await db
    .selectFrom("loan_instalments as i")
    .innerJoin("loans as l", "l.id", "i.loan_id")
    .select("i.loan_id")
    .distinct()
    .where("i.paid_off_on", "is", null)
    .where("i.overdue_notice_sent_at", "is", null)
    .where("i.due_date", "<", today)
    .where("l.state", "in", ["disbursed", "repaying", "delinquent"])
    .orderBy("i.loan_id")
    .limit(BATCH)
    .execute();
  let sent = 0;
  for (const { loan_id: loanId } of loans) {
    const claimed = await db.transaction().execute(async (trx) => {
      const rows = await trx
        .updateTable("loan_instalments")
        .set({ overdue_notice_sent_at: services.clock.now() })
        .where("loan_id", "=", loanId)
        .where("overdue_notice_sent_at", "is", null)
        .where("paid_off_on", "is", null)
        .where("due_date", "<", today)
        .returning("due_date")
        .execute();
      const oldest = rows.map((r) => r.due_date).sort()[0];
      if (!oldest) return false;
      await notify(trx, services, loanId, "overdue", oldest, today);
      return true;
    });
    if (claimed) sent += 1;
  }
  return sent;
}

export async function sweepLoans(services: Services): Promise<number> {
  const today = seoulDate(services.clock.now());
  let changed = 0;
  changed += await markDelinquent(services, today);
  changed += await cureDelinquent(services, today);
  changed += await sendReminders(services, today);
  changed += await sendOverdueNotices(services, today);
  return changed;
}
