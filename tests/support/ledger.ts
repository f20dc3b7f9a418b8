import { campaignEscrow, campaignFees, campaignOnlineSource } from "../../app/ledger/accounts";
import type { AccountSpec, EntryDraft } from "../../app/ledger/ledger";
import { appendEntries, getLedgerHead } from "../../app/ledger/ledger.server";
import { drainLedger } from "../../app/ledger/sequencer.server";
import { backerRefs, newReceiptCode } from "../../app/ledger/receipts";
import type { Database } from "../../app/utils/db.server";

export const refundsOut: AccountSpec = { code: "external:refunds", kind: "external", nameKo: "환불 (외부)", nameEn: "Refunds (outside)", mayGoNegative: true };

export function enterprisePayable(id: number): AccountSpec {
  return { code: `enterprise:${id}:payable`, kind: "enterprise_payable", nameKo: `기업 #${id} 지급`, nameEn: `Enterprise #${id} payable`, mayGoNegative: true };
}

export interface WrittenLedger {
  /** Receipt code of each pledge entry, by seq. */
  receipts: Map<number, string>;
  count: number;
}

/**
 * A ledger shaped like the real one, written through the ledger module and sequenced: in blocks of ten per
 * campaign, pledges (with a fee and a backer commitment), a refund and a disbursement; one hour
 * apart from `start`.
 */
export function draftFor(n: number, start: Date, campaigns: number): { draft: EntryDraft; receipt: string | null } {
  const campaign = (Math.floor(n / 10) % campaigns) + 1;
  const occurredAt = new Date(start.getTime() + n * 3_600_000);
  const escrow = campaignEscrow(campaign);
  switch (n % 10) {
    case 4:
      return {
        receipt: null,
        draft: { kind: "pledge.refunded", occurredAt, memo: "후원 취소 환불", refs: { campaign: `c-${campaign}` }, lines: [{ account: escrow, amountWon: -1_000 }, { account: refundsOut, amountWon: 1_000 }] },
      };
    case 8:
      return {
        receipt: null,
        draft: {
          kind: "disbursement.paid",
          occurredAt,
          memo: "예산 집행",
          refs: { campaign: `c-${campaign}` },
          lines: [{ account: escrow, amountWon: -2_000 }, { account: enterprisePayable(campaign), amountWon: 2_000 }],
        },
      };
    default: {
      const receipt = newReceiptCode();
      const amount = 10_000 + (n % 7) * 5_000;
      const fee = Math.floor(amount * 0.03);
      return {
        receipt,
        draft: {
          kind: "pledge.collected",
          occurredAt,
          memo: "온라인 후원",
          refs: { campaign: `c-${campaign}`, ...backerRefs(receipt) },
          lines: [
            { account: campaignOnlineSource(campaign), amountWon: -amount },
            { account: escrow, amountWon: amount - fee },
            { account: campaignFees(campaign), amountWon: fee },
          ],
        },
      };
    }
  }
}

/** Where a written ledger's entries begin, unless told otherwise; one entry follows another by the hour. */
export const LEDGER_START = new Date("2026-01-01T00:00:00Z");

export async function writeLedger(db: Database, count: number, options: { start?: Date; campaigns?: number; batch?: number; from?: number } = {}): Promise<WrittenLedger> {
  const start = options.start ?? LEDGER_START;
  const campaigns = options.campaigns ?? 7;
  const batch = options.batch ?? 500;
  const first = options.from ?? 0;
  const receiptsById = new Map<number, string>();
  for (let offset = 0; offset < count; offset += batch) {
    const drafts = Array.from({ length: Math.min(batch, count - offset) }, (_, i) => draftFor(first + offset + i, start, campaigns));
    const appended = await db.transaction().execute((trx) =>
      appendEntries(
        trx,
        drafts.map((d) => d.draft),
      ),
    );
    appended.forEach((entry, i) => {
      const receipt = drafts[i]?.receipt;
      if (receipt) receiptsById.set(entry.entryId, receipt);
    });
    await drainLedger(db);
  }
  const receipts = new Map<number, string>();
  const ids = [...receiptsById.keys()];
  for (let i = 0; i < ids.length; i += 5000) {
    const rows = await db.selectFrom("sequenced_entries").select(["id", "seq"]).where("id", "in", ids.slice(i, i + 5000)).execute();
    for (const row of rows) receipts.set(row.seq, receiptsById.get(row.id) ?? "");
  }
  return { receipts, count };
}

/** Entries in the journal, sequenced or still waiting: what a refused step must leave unchanged. */
export async function journalSize(db: Database): Promise<number> {
  return Number((await db.selectFrom("journal_entries").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n);
}

/** The ledger's size once everything committed so far has been sequenced. */
export async function sequencedSize(db: Database): Promise<number> {
  await drainLedger(db);
  return (await getLedgerHead(db)).seq;
}
