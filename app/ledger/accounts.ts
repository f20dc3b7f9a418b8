import type { AccountSpec } from "./ledger";

// Ledger accounts by purpose. Amounts are signed "money into this account"; accounts that stand
// for the world outside (card network, offline cash) may go negative, every holding account not.
// Per-campaign source accounts make "raised online/offline" a balance lookup, not a scan.

export function campaignEscrow(campaignId: number): AccountSpec {
  return { code: `campaign:${campaignId}:escrow`, kind: "campaign_escrow", nameKo: `캠페인 #${campaignId} 예치금`, nameEn: `Campaign #${campaignId} escrow` };
}

export function campaignOnlineSource(campaignId: number): AccountSpec {
  return {
    code: `campaign:${campaignId}:in:online`,
    kind: "source_online",
    nameKo: `캠페인 #${campaignId} 온라인 후원 유입`,
    nameEn: `Campaign #${campaignId} online contributions`,
    mayGoNegative: true,
  };
}

export function campaignOfflineSource(campaignId: number): AccountSpec {
  return {
    code: `campaign:${campaignId}:in:offline`,
    kind: "source_offline",
    nameKo: `캠페인 #${campaignId} 현장·오프라인 기부 유입`,
    nameEn: `Campaign #${campaignId} offline donations`,
    mayGoNegative: true,
  };
}


/** What this campaign paid its card processor. */
export function campaignFees(campaignId: number): AccountSpec {
  return { code: `campaign:${campaignId}:fees`, kind: "processor_fees", nameKo: `캠페인 #${campaignId} 결제 수수료`, nameEn: `Campaign #${campaignId} processor fees` };
}

/** Money returned to this campaign's backers. */
export function campaignRefunds(campaignId: number): AccountSpec {
  return {
    code: `campaign:${campaignId}:out:refunds`,
    kind: "refunds",
    nameKo: `캠페인 #${campaignId} 후원자 환불`,
    nameEn: `Campaign #${campaignId} refunds to backers`,
    mayGoNegative: true,
  };
}

/** The platform absorbs the processor fee of a refunded pledge (the processor keeps it). */
export const feeSubsidy: AccountSpec = {
  code: "platform:fee-subsidy",
  kind: "platform",
  nameKo: "환불 수수료 플랫폼 부담",
  nameEn: "Refund fees borne by the platform",
  mayGoNegative: true,
};

/** Money paid out of a campaign against one of its budget lines. */
export function campaignLineSpent(campaignId: number, budgetLineId: number): AccountSpec {
  return {
    code: `campaign:${campaignId}:line:${budgetLineId}:out`,
    kind: "disbursed",
    nameKo: `캠페인 #${campaignId} 예산 항목 #${budgetLineId} 집행`,
    nameEn: `Campaign #${campaignId} budget line #${budgetLineId} spent`,
    mayGoNegative: true,
  };
}
