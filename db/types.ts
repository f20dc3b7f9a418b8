import type { ColumnType, Generated, GeneratedAlways } from "kysely";

// The typed shape of the database, kept beside the migrations that create it.
// bigint columns arrive as numbers (see app/utils/db.server.ts), date columns as "YYYY-MM-DD".

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
type Id = GeneratedAlways<number>;

export type HostKind = "district" | "metropolitan" | "support_centre" | "self_sufficiency_centre" | "company" | "other";
export type StaffRole = "operator" | "juror" | "consultant" | "fund_admin" | "auditor";
export type EnterpriseType =
  | "social_enterprise"
  | "pre_social_enterprise"
  | "village_enterprise"
  | "cooperative"
  | "social_cooperative"
  | "self_sufficiency_enterprise"
  | "nonprofit";
export type EnterpriseStatus = "pending" | "verified" | "rejected";
export type MemberRole = "owner" | "member";
export type Locale = "ko" | "en";
export type CampaignState =
  | "draft"
  | "in_review"
  | "changes_requested"
  | "approved"
  | "live"
  | "succeeded"
  | "failed"
  | "cancelled";
export type FundingModel = "all_or_nothing" | "keep_it_all";
export type ContestKind = "crowdfunding" | "pitch";
export type ContestStageKind =
  | "pre_workshop"
  | "application"
  | "screening"
  | "selection"
  | "jury"
  | "consulting"
  | "campaign_window"
  | "results_meeting"
  | "pitch"
  | "grant_period";
export type RepaymentMethod = "bullet" | "equal_instalment" | "equal_principal";

export interface HostOrganisationsTable {
  id: Id;
  key: string;
  name: string;
  kind: HostKind;
  region: string;
  created_at: CreatedAt;
}

export interface UsersTable {
  id: Id;
  email: string;
  password_hash: string;
  display_name: string;
  locale: Generated<Locale>;
  is_platform_admin: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface SessionsTable {
  id: string;
  user_id: number;
  created_at: CreatedAt;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  ip: string | null;
  user_agent: string | null;
}

export interface AuthFailuresTable {
  id: Id;
  scope: "account" | "ip";
  key: string;
  failed_at: ColumnType<Date, Date | string | undefined, never>;
}

export interface PasswordResetTokensTable {
  id: string;
  user_id: number;
  created_at: CreatedAt;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface StaffRolesTable {
  user_id: number;
  host_id: number;
  role: StaffRole;
  granted_by: number | null;
  granted_at: CreatedAt;
}

export interface EnterprisesTable {
  id: Id;
  host_id: number;
  name: string;
  type: EnterpriseType;
  representative: string;
  district: string;
  business: string;
  registration_number: string | null;
  certified_on: string | null;
  employees: number;
  vulnerable_employees: number;
  status: Generated<EnterpriseStatus>;
  review_note: string | null;
  verified_by: number | null;
  verified_at: Timestamp | null;
  created_by: number | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface EnterpriseMembersTable {
  enterprise_id: number;
  user_id: number;
  role: MemberRole;
  joined_at: CreatedAt;
}

export interface EnterpriseInvitationsTable {
  id: Id;
  enterprise_id: number;
  email: string;
  role: MemberRole;
  token_hash: string;
  invited_by: number;
  created_at: CreatedAt;
  expires_at: Timestamp;
  accepted_at: Timestamp | null;
  accepted_by: number | null;
}

export interface EmailOutboxTable {
  id: Id;
  to_address: string;
  template: string;
  subject: string;
  html: string;
  text_body: string;
  created_at: CreatedAt;
  sent_at: Timestamp | null;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  last_error: string | null;
}

export interface AppClockTable {
  id: boolean;
  offset_ms: number;
}

export interface LedgerAccountsTable {
  id: Id;
  code: string;
  kind: string;
  name_ko: string;
  name_en: string;
  may_go_negative: Generated<boolean>;
  balance_won: ColumnType<number, never, never>;
  created_at: CreatedAt;
}

export interface JournalEntriesTable {
  seq: number;
  kind: string;
  occurred_at: Timestamp;
  canonical: string;
  leaf_hash: Buffer;
  chain_hash: Buffer;
  reverses_seq: number | null;
  idempotency_key: string | null;
  recorded_at: CreatedAt;
}

export interface JournalLinesTable {
  entry_seq: number;
  line_no: number;
  account_id: number;
  amount_won: number;
}

export interface LedgerHeadTable {
  id: boolean;
  seq: number;
  chain_hash: Buffer;
}

export interface ContestsTable {
  id: Id;
  slug: string;
  host_id: number;
  kind: Generated<ContestKind>;
  title: string;
  purpose: Generated<string>;
  select_count: number | null;
  published: Generated<boolean>;
  created_by: number | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ContestStagesTable {
  id: Id;
  contest_id: number;
  kind: ContestStageKind;
  starts_on: string;
  ends_on: string | null;
  note: Generated<string>;
}

export interface CampaignSeriesTable {
  id: Id;
  slug: string;
  enterprise_id: number;
  cause: string;
  description: Generated<string>;
  created_at: CreatedAt;
}

export interface CampaignsTable {
  id: Id;
  slug: string;
  enterprise_id: number;
  contest_id: number | null;
  series_id: number | null;
  series_round: number | null;
  title: string;
  summary: Generated<string>;
  story_md: Generated<string>;
  goal_won: number;
  funding_model: Generated<FundingModel>;
  state: Generated<CampaignState>;
  starts_on: string;
  ends_on: string;
  created_by: number | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface FundsTable {
  id: Id;
  slug: string;
  host_id: number;
  name: string;
  description: Generated<string>;
  created_at: CreatedAt;
}

export interface LoanProductsTable {
  id: Id;
  fund_id: number;
  code: string;
  version: Generated<number>;
  name: string;
  purpose: Generated<string>;
  cap_won: number;
  rate_bp: number;
  term_months: number;
  repayment_method: RepaymentMethod;
  grace_months: Generated<number>;
  penalty_bp: Generated<number>;
  eligible_types: Generated<EnterpriseType[]>;
  is_current: Generated<boolean>;
  created_by: number | null;
  created_at: CreatedAt;
}

export type StoredContentType = "image/jpeg" | "image/png" | "image/webp" | "application/pdf";

export interface StoredFilesTable {
  id: Id;
  public_id: string;
  sha256: string;
  original_name: string;
  content_type: StoredContentType;
  size_bytes: number;
  visibility: Generated<"private" | "public">;
  host_id: number | null;
  enterprise_id: number | null;
  uploaded_by: number | null;
  created_at: CreatedAt;
}

export interface LedgerSigningKeysTable {
  key_id: string;
  key_name: string;
  algorithm: Generated<"ed25519">;
  public_key: Buffer;
  first_used_at: CreatedAt;
}

export interface LedgerCheckpointsTable {
  tree_size: number;
  origin: string;
  chain_hash: Buffer;
  note: string;
  key_id: string;
  signature: Buffer;
  signed_at: Timestamp;
  recorded_at: CreatedAt;
}

export interface LedgerDevSigningKeyTable {
  id: Generated<boolean>;
  private_key_pem: string;
  created_at: CreatedAt;
}

export interface LedgerKindTotalsTable {
  account_id: number;
  kind: string;
  entry_count: number;
  in_won: number;
  out_won: number;
}

export interface DB {
  host_organisations: HostOrganisationsTable;
  users: UsersTable;
  sessions: SessionsTable;
  auth_failures: AuthFailuresTable;
  password_reset_tokens: PasswordResetTokensTable;
  staff_roles: StaffRolesTable;
  enterprises: EnterprisesTable;
  enterprise_members: EnterpriseMembersTable;
  enterprise_invitations: EnterpriseInvitationsTable;
  email_outbox: EmailOutboxTable;
  app_clock: AppClockTable;
  ledger_accounts: LedgerAccountsTable;
  journal_entries: JournalEntriesTable;
  journal_lines: JournalLinesTable;
  ledger_head: LedgerHeadTable;
  contests: ContestsTable;
  contest_stages: ContestStagesTable;
  campaign_series: CampaignSeriesTable;
  campaigns: CampaignsTable;
  funds: FundsTable;
  loan_products: LoanProductsTable;
  stored_files: StoredFilesTable;
  ledger_signing_keys: LedgerSigningKeysTable;
  ledger_checkpoints: LedgerCheckpointsTable;
  ledger_dev_signing_key: LedgerDevSigningKeyTable;
  ledger_kind_totals: LedgerKindTotalsTable;
}
