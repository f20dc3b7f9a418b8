import {
  chargeDuePledges,
  closeDueCampaigns,
  goLiveDueCampaigns,
  processRefunds,
  reconcilePledges,
  settleChargingCampaigns,
} from "../campaigns/settlement.server";
import { sweepLoans } from "../loans/arrears.server";
import { reconcileLoanPayments } from "../loans/online-payments.server";
import { createCheckpointIfDue } from "../ledger/checkpoints.server";
import { foldDataVersions } from "../page-cache/data-version.server";
import { expireWaitingPledges } from "../pledges/pledges.server";
import { requestCosignaturesIfDue } from "../ledger/witnesses.server";
import type { Services } from "../server/services";

/** Idempotent work that becomes due as the clock moves: run every minute and after a clock move. */
export interface Sweeper {
  name: string;
  run(services: Services): Promise<number>;
}

async function purgeExpiredAuthRecords(services: Services): Promise<number> {
  const now = services.clock.now();
  const dayAgo = new Date(now.getTime() - 86_400_000);
  const failures = await services.db.deleteFrom("login_failures").where("failed_at", "<", dayAgo).executeTakeFirst();
  const sessions = await services.db
    .deleteFrom("sessions")
    .where((eb) => eb.or([eb("expires_at", "<", dayAgo), eb("revoked_at", "<", dayAgo)]))
    .executeTakeFirst();
  return Number(failures.numDeletedRows) + Number(sessions.numDeletedRows);
}

/** In order: a campaign can go live, close, be charged and be settled in one tick. */
export const sweepers: Sweeper[] = [
  { name: "auth.purge", run: purgeExpiredAuthRecords },
  { name: "campaigns.go-live", run: goLiveDueCampaigns },
  { name: "campaigns.close", run: closeDueCampaigns },
  { name: "pledges.charge", run: (services) => chargeDuePledges(services) },
  { name: "campaigns.settle", run: settleChargingCampaigns },
  { name: "pledges.refund", run: (services) => processRefunds(services) },
  { name: "pledges.reconcile", run: reconcilePledges },
  { name: "pledges.expire-waiting", run: expireWaitingPledges },
  { name: "loans.online-payments", run: reconcileLoanPayments },
  { name: "loans.servicing", run: sweepLoans },
  { name: "ledger.checkpoint", run: createCheckpointIfDue },
  { name: "pages.fold-data-versions", run: (services) => foldDataVersions(services.db).then(() => 0) },
  { name: "ledger.witness", run: requestCosignaturesIfDue },
];

export interface TickReport {
  name: string;
  changed: number;
}

/**
 * Runs every sweeper even when one fails (a stuck campaign must not stop loan servicing); the
 * first failure is thrown at the end so the job runner retries and it is logged.
 */
export async function runTick(services: Services): Promise<TickReport[]> {
  const report: TickReport[] = [];
  const failures: unknown[] = [];
  for (const sweeper of sweepers) {
    try {
      report.push({ name: sweeper.name, changed: await sweeper.run(services) });
    } catch (error) {
      services.logger.error("sweeper failed", error, { sweeper: sweeper.name });
      failures.push(error);
    }
  }
  if (failures.length > 0) throw failures[0];
  return report;
}
