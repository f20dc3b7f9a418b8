import type { EnterpriseType, HostKind } from "../types";
import raw from "./seed-cases.json";

// The real cases from the source documents (copied into the repo so the product never reads
// ../shared at run time), with the types the seed relies on.

export interface SeedHost {
  key: string;
  name: string;
  kind: HostKind;
  region: string;
}

export interface SeedEnterprise {
  name: string;
  type: EnterpriseType;
  representative?: string;
  district: string;
  employees?: number;
  vulnerable_employees?: number;
  business: string;
  certified_on?: string;
  founded_on?: string;
  founders?: number;
  capital?: number;
}

export interface SeedStage {
  kind: string;
  on?: string;
  from?: string;
  to?: string;
  note?: string;
}

export interface SeedCases {
  hosts: SeedHost[];
  enterprises: SeedEnterprise[];
  contests: {
    key: string;
    host: string;
    title: string;
    purpose: string;
    stages: SeedStage[];
    selected: number;
    published_outcome: { organisations: number; people: number; amount: number };
    named_projects: { title: string; enterprise?: string; enterprise_type?: string; story: string; beneficiary?: string }[];
  }[];
  series: {
    key: string;
    cause: string;
    enterprise: string;
    rounds: { round: number; title: string; from: string; to: string; raised: number; backers?: { individuals: number; companies: number } }[];
    cumulative_fund: { name: string; amount: number };
    service_delivered: { people: number; hours: number };
  }[];
  pitch_contest: {
    key: string;
    host: string;
    title: string;
    on: string;
    criteria: string[];
    turnout: { dong: number; teams: number; people: number };
    selected: number;
    grant: { title: string; pool: number; cap_per_awardee: number; source: string; period: { from: string; to: string }; eligible_expenses: string[] };
  };
  screenings: {
    title: string;
    host: string;
    applicants: number;
    selected: number;
    selected_names?: string[];
    on_site_inspection?: { from: string; to: string };
    method?: string;
  }[];
  fund: {
    key: string;
    name: string;
    host: string;
    loan_products: { name: string; purpose: string; cap: number; rate_bp: number; note: string }[];
    grant_uses: string[];
  };
}

const hostKinds: Record<string, HostKind> = {
  district: "district",
  self_sufficiency_centre: "self_sufficiency_centre",
};

export const seedCases: SeedCases = {
  ...(raw as unknown as SeedCases),
  hosts: (raw as unknown as SeedCases).hosts.map((h) => ({ ...h, kind: hostKinds[h.kind] ?? "other" })),
};
