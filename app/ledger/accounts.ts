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

/** A grant award's money, held until spent on its eligible categories. */
export function grantEscrow(awardId: number): AccountSpec {
  return { code: `grant:${awardId}:escrow`, kind: "grant_escrow", nameKo: `지원금 #${awardId} 예치금`, nameEn: `Grant #${awardId} held` };
}

export function grantCategorySpent(awardId: number, category: string): AccountSpec {
  const slug = [...category].map((ch) => ch.codePointAt(0)?.toString(36)).join("-");
  return {
    code: `grant:${awardId}:spent:${slug}`.slice(0, 120),
    kind: "disbursed",
    nameKo: `지원금 #${awardId} ${category} 집행`,
    nameEn: `Grant #${awardId} spent on ${category}`,
    mayGoNegative: true,
  };
}

/** Where a contest's grant money comes from (e.g. district funds, 구비). */
export function contestGrantSource(contestId: number): AccountSpec {
  return { code: `contest:${contestId}:grants:in`, kind: "source_grant", nameKo: `공모전 #${contestId} 지원금 재원`, nameEn: `Contest #${contestId} grant funds`, mayGoNegative: true };
}

export function poolSource(poolId: number): AccountSpec {
  return { code: `pool:${poolId}:in`, kind: "source_matching", nameKo: `매칭 기금 #${poolId} 출연`, nameEn: `Matching pool #${poolId} contributions`, mayGoNegative: true };
}

export function poolAvailable(poolId: number): AccountSpec {
  return { code: `pool:${poolId}:available`, kind: "matching_pool", nameKo: `매칭 기금 #${poolId} 잔액`, nameEn: `Matching pool #${poolId} available` };
}

export function poolCommitted(poolId: number): AccountSpec {
  return { code: `pool:${poolId}:committed`, kind: "matching_committed", nameKo: `매칭 기금 #${poolId} 약정분`, nameEn: `Matching pool #${poolId} committed` };
}

export function poolReturned(poolId: number): AccountSpec {
  return { code: `pool:${poolId}:out:returned`, kind: "refunds", nameKo: `매칭 기금 #${poolId} 반환`, nameEn: `Matching pool #${poolId} returned to sponsor`, mayGoNegative: true };
}
