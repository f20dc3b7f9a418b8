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
export type ContestKind = "crowdfunding" | "pitch" | "grant_call" | "training";
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
  age_confirmed_at: Timestamp | null;
  deleted_at: Timestamp | null;
}

export type ConsentPurpose = "account" | "campaign_emails";

export interface PrivacyConsentsTable {
  id: Id;
  user_id: number;
  purpose: ConsentPurpose;
  text_version: string;
  locale: Locale;
  granted: boolean;
  recorded_at: Timestamp;
}

export interface AccountDeletionsTable {
  id: Id;
  user_id: number;
  requested_at: Timestamp;
  completed_at: Timestamp | null;
  pledges_kept: number;
  keep_until: string | null;
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

/** One row per failed log-in (20261127_1301_security_hardening): the account and the address together. */
export interface LoginFailuresTable {
  id: Id;
  email: string;
  ip: string;
  failed_at: ColumnType<Date, Date | string, never>;
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
  props: ColumnType<unknown, unknown, unknown>;
  html: string | null;
  text_body: string | null;
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

/** Written without seq and hashes; the sequencer fills them once (decision 41). */
export interface JournalEntriesTable {
  id: Id;
  seq: ColumnType<number | null, never, never>;
  kind: string;
  occurred_at: Timestamp;
  canonical_before_seq: string;
  canonical_after_seq: string;
  /** canonical_before_seq ‖ seq ‖ canonical_after_seq, once sequenced. */
  canonical: ColumnType<string | null, never, never>;
  leaf_hash: ColumnType<Buffer | null, never, never>;
  chain_hash: ColumnType<Buffer | null, never, never>;
  reverses_seq: number | null;
  idempotency_key: string | null;
  recorded_at: CreatedAt;
}

/** The journal entries that have their seq: what the public ledger shows. */
export interface SequencedEntriesView {
  id: ColumnType<number, never, never>;
  seq: ColumnType<number, never, never>;
  kind: ColumnType<string, never, never>;
  occurred_at: ColumnType<Date, never, never>;
  canonical: ColumnType<string, never, never>;
  leaf_hash: ColumnType<Buffer, never, never>;
  chain_hash: ColumnType<Buffer, never, never>;
  reverses_seq: ColumnType<number | null, never, never>;
  idempotency_key: ColumnType<string | null, never, never>;
  recorded_at: ColumnType<Date, never, never>;
}

export interface JournalLinesTable {
  entry_id: number;
  /** The entry's seq, filled with it by the sequencer. */
  entry_seq: ColumnType<number | null, never, never>;
  line_no: number;
  account_id: number;
  amount_won: number;
}

export interface LedgerBatchesTable {
  first_seq: ColumnType<number, never, never>;
  last_seq: ColumnType<number, never, never>;
  sequenced_at: ColumnType<Date, never, never>;
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
  // 20261125_0601_contest_workflow
  fields: Generated<string[]>;
  eligible_regions: Generated<string[]>;
  eligible_types: Generated<EnterpriseType[]>;
  age_min: number | null;
  age_max: number | null;
  applications_open_on: string | null;
  applications_close_on: string | null;
  jury_weight_pct: Generated<number>;
  peer_weight_pct: Generated<number>;
  selected_at: Timestamp | null;
  selected_by: number | null;
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

export type Settlement = "open" | "charging" | "settled";
export type PledgeState =
  | "pending_authorization"
  | "saved"
  | "charging"
  | "collected"
  | "collection_failed"
  | "failed"
  | "cancelled"
  | "released"
  | "refunded";
export type PledgeKind = "sponsorship" | "donation" | "investment";
export type BackerKind = "individual" | "company";
export type PaymentProviderName = "demo" | "stripe";
/** Stripe's payment method types this product takes (app/payments/methods.ts lists them). */
export type PaymentMethodType = "kr_card" | "kakao_pay" | "naver_pay" | "payco" | "samsung_pay" | "card";

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
  cover_file_id: number | null;
  submitted_at: Timestamp | null;
  approved_at: Timestamp | null;
  approved_by: number | null;
  went_live_at: Timestamp | null;
  closed_at: Timestamp | null;
  settlement: Generated<Settlement>;
  collection_deadline: Timestamp | null;
  settled_at: Timestamp | null;
}

export interface BudgetLinesTable {
  id: Id;
  campaign_id: number;
  position: Generated<number>;
  name: string;
  amount_won: number;
  required: Generated<boolean>;
  explanation: Generated<string>;
}

export interface RewardsTable {
  id: Id;
  campaign_id: number;
  position: Generated<number>;
  title: string;
  description: Generated<string>;
  min_amount_won: number;
  quantity_limit: number | null;
  claimed_count: Generated<number>;
  delivery_month: string | null;
}

export interface CampaignReviewsTable {
  id: Id;
  campaign_id: number;
  reviewer_id: number;
  decision: "approved" | "changes_requested";
  comment: Generated<string>;
  created_at: CreatedAt;
}

export interface CampaignUpdatesTable {
  id: Id;
  campaign_id: number;
  author_id: number;
  title: string;
  body_md: string;
  created_at: CreatedAt;
}

export interface PledgesTable {
  id: Id;
  public_id: string;
  campaign_id: number;
  backer_id: number;
  backer_kind: BackerKind;
  company_name: string | null;
  business_number: string | null;
  kind: PledgeKind;
  amount_won: number;
  reward_id: number | null;
  message: Generated<string>;
  anonymous: Generated<boolean>;
  show_full_name: Generated<boolean>;
  funding_model: FundingModel;
  state: PledgeState;
  provider: PaymentProviderName;
  provider_customer_id: string | null;
  provider_payment_method_id: string | null;
  provider_setup_intent_id: string | null;
  provider_payment_intent_id: string | null;
  card_last4: string | null;
  payment_method_type: PaymentMethodType | null;
  charge_attempts: Generated<number>;
  next_charge_at: Timestamp | null;
  last_error: string | null;
  /** Until when a pledge waiting for its payment holds its reward (then it expires). */
  hold_expires_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  fee_won: number | null;
  refund_requested_at: Timestamp | null;
  refund_reason: string | null;
  idempotency_key: string;
  request_hash: string;
  receipt_secret: string;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  collected_at: Timestamp | null;
}

export interface OfflineDonationsTable {
  id: Id;
  campaign_id: number;
  recorded_by: number;
  source: string;
  amount_won: number;
  received_on: string;
  evidence_file_id: number | null;
  idempotency_key: string;
  ledger_entry_id: number;
  created_at: CreatedAt;
}

export interface PaymentEventsTable {
  event_id: string;
  provider: PaymentProviderName;
  type: string;
  object_id: string | null;
  received_at: CreatedAt;
  outcome: string;
}

export type IntentStatus = "requires_payment_method" | "requires_action" | "processing" | "succeeded" | "canceled";

export interface DemoPaymentIntentsTable {
  id: string;
  kind: "setup" | "payment" | "refund";
  status: IntentStatus;
  customer_id: string;
  amount_won: number | null;
  payment_method_id: string | null;
  card_last4: string | null;
  pending_method_id: string | null;
  fee_won: number | null;
  decline_code: string | null;
  target_id: string | null;
  idempotency_key: string | null;
  method_types: Generated<PaymentMethodType[]>;
  method_type: PaymentMethodType | null;
  return_url: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export type DisbursementState = "requested" | "paid" | "rejected" | "cancelled";

export interface PlatformSettingsTable {
  key: string;
  value_bigint: number;
  updated_at: UpdatedAt;
}

export interface DisbursementsTable {
  id: Id;
  campaign_id: number | null;
  budget_line_id: number | null;
  grant_award_id: number | null;
  expense_category: string | null;
  kind: Generated<"expense" | "delivery">;
  payee: string;
  description: string;
  amount_won: number;
  requested_by: number;
  required_approvals: Generated<number>;
  state: Generated<DisbursementState>;
  rejected_by: number | null;
  rejection_reason: string | null;
  ledger_entry_id: number | null;
  paid_at: Timestamp | null;
  idempotency_key: string;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface DisbursementApprovalsTable {
  disbursement_id: number;
  approver_id: number;
  approved_at: CreatedAt;
}

export interface DisbursementReceiptsTable {
  id: Id;
  disbursement_id: number;
  file_id: number;
  redacted_file_id: number | null;
  published_by: number | null;
  published_at: Timestamp | null;
}

export interface CampaignReportsTable {
  campaign_id: number;
  progress: string;
  impressions: Generated<string>;
  follow_up: Generated<string>;
  author_id: number;
  published_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface CampaignReportPhotosTable {
  id: Id;
  campaign_id: number;
  file_id: number;
  caption: Generated<string>;
}

export interface CampaignConsultantsTable {
  campaign_id: number;
  consultant_id: number;
  assigned_by: number;
  assigned_at: CreatedAt;
}

/** 20261126_0606_consultant_unassignment: inserting one ends the assignment (the trigger copies its assigned_by/at). */
export interface CampaignConsultantUnassignmentsTable {
  id: Id;
  campaign_id: number;
  consultant_id: number;
  assigned_by: ColumnType<number, number | undefined, never>;
  assigned_at: ColumnType<Date, Date | string | undefined, never>;
  unassigned_by: number;
  unassigned_at: Timestamp;
}

export type ConsultationTopic = "direction" | "content" | "rewards" | "other";

export interface CampaignConsultationsTable {
  id: Id;
  campaign_id: number;
  author_id: number;
  topic: ConsultationTopic;
  body: string;
  requests_changes: Generated<boolean>;
  created_at: CreatedAt;
}

export interface MatchingPoolsTable {
  id: Id;
  contest_id: number;
  sponsor_name: string;
  /** 20261125_0603_matching */
  sponsor_kind: Generated<"host" | "company">;
  total_won: number;
  committed_won: Generated<number>;
  created_by: number;
  created_at: CreatedAt;
  closed_at: Timestamp | null;
}

export interface MatchingRuleVersionsTable {
  pool_id: number;
  version: number;
  factor_bp: number;
  cap_per_pledge_won: number | null;
  cap_per_campaign_won: number | null;
  cap_per_backer_won: number | null;
  min_distinct_backers: Generated<number>;
  threshold_bp: Generated<number>;
  allocation: "first_come" | "reserved";
  published_by: number;
  published_at: CreatedAt;
}

export interface MatchesTable {
  id: Id;
  pool_id: number;
  pledge_id: number;
  campaign_id: number;
  backer_id: number;
  amount_won: number;
  rules_version: number;
  state: Generated<"committed" | "released" | "returned">;
  created_at: CreatedAt;
  resolved_at: Timestamp | null;
}

export interface GrantAwardsTable {
  id: Id;
  contest_id: number;
  application_id: number;
  enterprise_id: number;
  rules_id: number;
  amount_won: number;
  awarded_by: number;
  awarded_at: CreatedAt;
  ledger_entry_id: number;
}

export interface GrantAwardLinesTable {
  award_id: number;
  expense_category: string;
  amount_won: number;
}

export interface FundsTable {
  id: Id;
  slug: string;
  host_id: number;
  name: string;
  description: Generated<string>;
  created_at: CreatedAt;
  expected_effects: Generated<string>;
  committee_quorum: Generated<number>;
  committee_majority_pct: Generated<number>;
  reminder_days_before: Generated<number>;
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
  required_documents: Generated<LoanDocumentType[]>;
  delinquency_grace_days: Generated<number>;
}

export type StoredContentType = "image/jpeg" | "image/png" | "image/webp" | "application/pdf";

export interface FileBlobsTable {
  sha256: string;
  size_bytes: number;
  chunk_count: number;
  created_at: CreatedAt;
}

export interface FileChunksTable {
  sha256: string;
  chunk_no: number;
  data: Uint8Array;
}

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
  /** What the file is for, which decides who may read it (20261127_1301_security_hardening). */
  purpose: FilePurpose;
  created_at: CreatedAt;
}

export type FilePurpose =
  | "campaign_cover"
  | "report_photo"
  | "redacted_receipt"
  | "disbursement_receipt"
  | "offline_evidence"
  | "fund_evidence"
  | "loan_document"
  | "application_document"
  | "unlinked";

// 20261125_0601_contest_workflow: applications, screening, jury and peer scores, events, grant rules.
export type ContestEventKind = "workshop" | "briefing";
export type ApplicationStatus = "draft" | "submitted";
export type ApplicationOutcome = "selected" | "not_selected" | "screened_out";
export type ScreeningStepKind = "document_review" | "interview" | "on_site_inspection";
/** numeric columns arrive as strings. */
type Numeric = ColumnType<string, number | string, number | string>;

export interface ContestCriteriaTable {
  id: Id;
  contest_id: number;
  position: number;
  label: string;
  weight_pct: number;
}

export interface ContestEventsTable {
  id: Id;
  contest_id: number;
  kind: ContestEventKind;
  title: string;
  starts_at: Timestamp;
  location: string;
  seats: number;
  seats_taken: ColumnType<number, never, never>;
  created_at: CreatedAt;
}

export interface ContestEventRegistrationsTable {
  event_id: number;
  user_id: number;
  registered_at: Timestamp;
}

export interface ContestApplicationsTable {
  id: Id;
  contest_id: number;
  /** null for a training programme's intake entry (20261127_1901). */
  enterprise_id: number | null;
  intake_no: number | null;
  course_id: number | null;
  title: string;
  summary: Generated<string>;
  social_value: Generated<string>;
  budget_won: number | null;
  residence_district: string | null;
  representative_birth_date: string | null;
  status: Generated<ApplicationStatus>;
  eligible: Generated<boolean>;
  ineligibility_reasons: Generated<string[]>;
  submitted_at: Timestamp | null;
  submitted_by: number | null;
  outcome: ApplicationOutcome | null;
  rank: number | null;
  final_score: Numeric | null;
  jury_score: Numeric | null;
  peer_score: Numeric | null;
  campaign_id: number | null;
  created_by: number | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

// 20261127_1901_screening_calls
export interface ContestCoursesTable {
  id: Id;
  contest_id: number;
  position: number;
  title: string;
  note: Generated<string>;
}

export interface ContestApplicationDocumentsTable {
  id: Id;
  application_id: number;
  file_id: number;
  label: string;
  created_at: CreatedAt;
}

export interface ContestScreeningStepsTable {
  id: Id;
  contest_id: number;
  position: number;
  kind: ScreeningStepKind;
  title: string;
  window_from: string | null;
  window_to: string | null;
}

export interface ContestScreeningResultsTable {
  step_id: number;
  application_id: number;
  passed: boolean;
  note: Generated<string>;
  decided_by: number;
  decided_at: Timestamp;
}

export interface ContestJurorsTable {
  contest_id: number;
  user_id: number;
  assigned_by: number;
  assigned_at: Timestamp;
}

export interface ContestConflictsTable {
  application_id: number;
  juror_id: number;
  reason: string;
  declared_at: Timestamp;
}

export interface ContestJuryScoresTable {
  application_id: number;
  juror_id: number;
  criterion_id: number;
  score: number;
  comment: Generated<string>;
  scored_at: Timestamp;
}

export interface ContestPeerScoresTable {
  application_id: number;
  evaluator_application_id: number;
  evaluator_user_id: number;
  criterion_id: number;
  score: number;
  comment: Generated<string>;
  scored_at: Timestamp;
}

export interface ContestGrantRulesTable {
  id: Id;
  contest_id: number;
  version: number;
  title: string;
  pool_won: number;
  cap_per_awardee_won: number;
  funding_source: string;
  eligible_expenses: string[];
  period_from: string | null;
  period_to: string | null;
  is_current: Generated<boolean>;
  created_by: number | null;
  created_at: CreatedAt;
}

// ---- Self-sufficiency fund and loans (20261125_0701_fund_loans) ----

export type LoanDocumentType =
  | "business_registration"
  | "self_sufficiency_designation"
  | "lease_contract"
  | "business_plan"
  | "landlord_account"
  | "tax_certificate";
export type ContributionKind = "government" | "donation" | "returned_grant" | "other";
export type GrantCategory = "design_packaging" | "equipment" | "organising" | "professional_training" | "case_management_vehicles";
export type LoanApplicationState = "submitted" | "in_review" | "committee" | "approved" | "rejected" | "contracted" | "closed_no_quorum";
export type LoanState = "contracted" | "disbursed" | "repaying" | "delinquent" | "defaulted" | "written_off" | "closed";
export type LoanVote = "approve" | "reject";
export type RepaymentKind = "instalment" | "prepayment";
export type RepaymentChannel = "bank_transfer" | "online";
export type InstalmentKind = "scheduled" | "prepayment";
export type LoanEventKind =
  | "contracted"
  | "disbursed"
  | "prepaid"
  | "extended"
  | "delinquent"
  | "cured"
  | "defaulted"
  | "written_off"
  | "closed"
  | "write_off_requested"
  | "write_off_declined"
  | "recovered";

export interface FundContributionsTable {
  id: Id;
  fund_id: number;
  contributor: string;
  kind: ContributionKind;
  amount_won: number;
  received_on: string;
  note: Generated<string>;
  evidence_file_id: number | null;
  evidence_note: Generated<string>;
  recorded_by: number;
  idempotency_key: string;
  ledger_entry_id: number;
  created_at: CreatedAt;
}

export interface FundGrantsTable {
  id: Id;
  fund_id: number;
  category: GrantCategory;
  recipient: string;
  enterprise_id: number | null;
  area: string;
  purpose: string;
  expected_effect: Generated<string>;
  amount_won: number;
  granted_on: string;
  evidence_file_id: number | null;
  recorded_by: number;
  idempotency_key: string;
  ledger_entry_id: number;
  created_at: CreatedAt;
  /** Null only for grants recorded before grants needed a second administrator (20261126_0703). */
  request_id: number | null;
  approved_by: number | null;
}

export interface LoanApplicationsTable {
  id: Id;
  fund_id: number;
  product_id: number;
  enterprise_id: number;
  submitted_by: number;
  idempotency_key: string;
  amount_won: number;
  purpose: string;
  store_address: string;
  landlord_name: string;
  lease_deposit_won: number;
  lease_starts_on: string;
  lease_ends_on: string;
  state: Generated<LoanApplicationState>;
  reviewer_id: number | null;
  review_started_at: Timestamp | null;
  reviewed_at: Timestamp | null;
  review_note: Generated<string>;
  committee_opened_at: Timestamp | null;
  committee_quorum: number | null;
  committee_majority_pct: number | null;
  decided_by: number | null;
  decided_at: Timestamp | null;
  decision_note: Generated<string>;
  submitted_at: Timestamp;
  updated_at: Timestamp;
}

export interface LoanApplicationDocumentsTable {
  id: Id;
  application_id: number;
  doc_type: LoanDocumentType;
  file_id: number;
  uploaded_by: number;
  uploaded_at: CreatedAt;
}

export interface LoanConflictsTable {
  application_id: number;
  user_id: number;
  reason: string;
  declared_at: Timestamp;
}

export interface LoanVotesTable {
  application_id: number;
  voter_id: number;
  vote: LoanVote;
  comment: Generated<string>;
  no_conflict_affirmed: boolean;
  voted_at: Timestamp;
}

export interface LoansTable {
  id: Id;
  application_id: number;
  fund_id: number;
  enterprise_id: number;
  product_id: number;
  principal_won: number;
  rate_bp: number;
  penalty_bp: number;
  term_months: number;
  original_term_months: number;
  repayment_method: RepaymentMethod;
  grace_months: number;
  delinquency_grace_days: number;
  landlord_name: string;
  store_address: string;
  contracted_on: string;
  contracted_by: number;
  disbursed_on: string | null;
  disbursed_by: number | null;
  disbursement_reference: string | null;
  disbursement_entry_id: number | null;
  maturity_on: string | null;
  state: Generated<LoanState>;
  state_reason: Generated<string>;
  closed_on: string | null;
  written_off_won: Generated<number>;
  written_off_entry_id: number | null;
  write_off_request_id: number | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface LoanInstalmentsTable {
  loan_id: number;
  number: number;
  kind: Generated<InstalmentKind>;
  period_start: string;
  due_date: string;
  principal_due_won: number;
  interest_due_won: number;
  principal_paid_won: Generated<number>;
  interest_paid_won: Generated<number>;
  penalty_accrued_won: Generated<number>;
  penalty_paid_won: Generated<number>;
  penalty_through: string;
  paid_off_on: string | null;
  reminder_sent_at: Timestamp | null;
  overdue_notice_sent_at: Timestamp | null;
}

export interface LoanRepaymentsTable {
  id: Id;
  loan_id: number;
  idempotency_key: string;
  request_fingerprint: string;
  kind: RepaymentKind;
  method: RepaymentChannel;
  external_reference: string;
  paid_on: string;
  amount_won: number;
  penalty_won: number;
  interest_won: number;
  principal_won: number;
  recorded_by: number | null;
  ledger_entry_id: number;
  recorded_at: Timestamp;
}

export type LoanOnlinePaymentState = "pending" | "superseded" | "recorded" | "refunded";

export interface LoanOnlinePaymentsTable {
  id: Id;
  public_id: string;
  loan_id: number;
  started_by: number;
  amount_won: number;
  due_date: string;
  provider: PaymentProviderName;
  idempotency_key: string;
  provider_intent_id: string | null;
  state: Generated<LoanOnlinePaymentState>;
  last_error: string | null;
  card_last4: string | null;
  payment_method_type: PaymentMethodType | null;
  fee_won: number | null;
  repayment_id: number | null;
  refund_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface LoanRepaymentAllocationsTable {
  repayment_id: number;
  loan_id: number;
  instalment_number: number;
  penalty_won: number;
  interest_won: number;
  principal_won: number;
}

export interface LoanEventsTable {
  id: Id;
  loan_id: number;
  kind: LoanEventKind;
  effective_on: string;
  reason: Generated<string>;
  details: Generated<unknown>;
  actor_id: number | null;
  occurred_at: Timestamp;
}

// ---- Four eyes on the fund, document rejections, recoveries (20261126_0703_fund_four_eyes) ----

export type FundRequestState = "requested" | "approved" | "declined";

export interface FundGrantRequestsTable {
  id: Id;
  fund_id: number;
  category: GrantCategory;
  recipient: string;
  enterprise_id: number | null;
  area: string;
  purpose: string;
  expected_effect: Generated<string>;
  amount_won: number;
  granted_on: string;
  evidence_file_id: number | null;
  requested_by: number;
  requested_at: Timestamp;
  idempotency_key: string;
  state: Generated<FundRequestState>;
  decided_by: number | null;
  decided_at: Timestamp | null;
  decision_note: Generated<string>;
}

export interface LoanWriteOffRequestsTable {
  id: Id;
  loan_id: number;
  reason: string;
  outstanding_won: number;
  requested_by: number;
  requested_at: Timestamp;
  state: Generated<FundRequestState>;
  decided_by: number | null;
  decided_at: Timestamp | null;
  decision_note: Generated<string>;
}

export interface LoanRecoveriesTable {
  id: Id;
  loan_id: number;
  idempotency_key: string;
  request_fingerprint: string;
  amount_won: number;
  received_on: string;
  bank_reference: string;
  recorded_by: number;
  ledger_entry_id: number;
  recorded_at: Timestamp;
}

export interface LoanDocumentRejectionsTable {
  document_id: number;
  application_id: number;
  rejected_by: number;
  reason: string;
  rejected_at: Timestamp;
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
  /** The Merkle root the note signs; null for the checkpoints signed over the chain hash before decision 61. */
  root_hash: Buffer | null;
  note: string;
  key_id: string;
  signature: Buffer;
  signed_at: Timestamp;
  recorded_at: CreatedAt;
}

export interface LedgerTileHashesTable {
  tile_level: number;
  idx: number;
  hash: Buffer;
  recorded_at: CreatedAt;
}

export interface LedgerCosignaturesTable {
  tree_size: number;
  witness_name: string;
  key_id: string;
  public_key: Buffer;
  /** The witness's timestamp, POSIX seconds (signed as "time <n>"). */
  signed_time: number;
  signature: Buffer;
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

/** Per-backend counters whose sum is the public pages' data version (decision 45). */
export interface PageDataVersionsTable {
  backend_pid: number;
  bumps: number;
}

export interface DB {
  host_organisations: HostOrganisationsTable;
  users: UsersTable;
  privacy_consents: PrivacyConsentsTable;
  account_deletions: AccountDeletionsTable;
  sessions: SessionsTable;
  login_failures: LoginFailuresTable;
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
  sequenced_entries: SequencedEntriesView;
  ledger_batches: LedgerBatchesTable;
  ledger_head: LedgerHeadTable;
  contests: ContestsTable;
  contest_stages: ContestStagesTable;
  campaign_series: CampaignSeriesTable;
  campaigns: CampaignsTable;
  funds: FundsTable;
  loan_products: LoanProductsTable;
  stored_files: StoredFilesTable;
  file_blobs: FileBlobsTable;
  file_chunks: FileChunksTable;
  ledger_signing_keys: LedgerSigningKeysTable;
  ledger_checkpoints: LedgerCheckpointsTable;
  ledger_tile_hashes: LedgerTileHashesTable;
  ledger_cosignatures: LedgerCosignaturesTable;
  ledger_dev_signing_key: LedgerDevSigningKeyTable;
  ledger_kind_totals: LedgerKindTotalsTable;
  fund_contributions: FundContributionsTable;
  fund_grants: FundGrantsTable;
  loan_applications: LoanApplicationsTable;
  loan_application_documents: LoanApplicationDocumentsTable;
  loan_conflicts: LoanConflictsTable;
  loan_votes: LoanVotesTable;
  loans: LoansTable;
  loan_instalments: LoanInstalmentsTable;
  loan_repayments: LoanRepaymentsTable;
  loan_repayment_allocations: LoanRepaymentAllocationsTable;
  loan_online_payments: LoanOnlinePaymentsTable;
  loan_events: LoanEventsTable;
  fund_grant_requests: FundGrantRequestsTable;
  loan_write_off_requests: LoanWriteOffRequestsTable;
  loan_recoveries: LoanRecoveriesTable;
  loan_document_rejections: LoanDocumentRejectionsTable;
  budget_lines: BudgetLinesTable;
  rewards: RewardsTable;
  campaign_reviews: CampaignReviewsTable;
  campaign_updates: CampaignUpdatesTable;
  pledges: PledgesTable;
  offline_donations: OfflineDonationsTable;
  payment_events: PaymentEventsTable;
  demo_payment_intents: DemoPaymentIntentsTable;
  platform_settings: PlatformSettingsTable;
  disbursements: DisbursementsTable;
  disbursement_approvals: DisbursementApprovalsTable;
  disbursement_receipts: DisbursementReceiptsTable;
  campaign_reports: CampaignReportsTable;
  campaign_report_photos: CampaignReportPhotosTable;
  campaign_consultants: CampaignConsultantsTable;
  campaign_consultant_unassignments: CampaignConsultantUnassignmentsTable;
  campaign_consultations: CampaignConsultationsTable;
  matching_pools: MatchingPoolsTable;
  matching_rule_versions: MatchingRuleVersionsTable;
  matches: MatchesTable;
  grant_awards: GrantAwardsTable;
  grant_award_lines: GrantAwardLinesTable;
  contest_criteria: ContestCriteriaTable;
  contest_events: ContestEventsTable;
  contest_event_registrations: ContestEventRegistrationsTable;
  contest_applications: ContestApplicationsTable;
  contest_courses: ContestCoursesTable;
  contest_application_documents: ContestApplicationDocumentsTable;
  contest_screening_steps: ContestScreeningStepsTable;
  contest_screening_results: ContestScreeningResultsTable;
  contest_jurors: ContestJurorsTable;
  contest_conflicts: ContestConflictsTable;
  contest_jury_scores: ContestJuryScoresTable;
  contest_peer_scores: ContestPeerScoresTable;
  contest_grant_rules: ContestGrantRulesTable;
  page_data_versions: PageDataVersionsTable;
  enterprise_identity_changes: EnterpriseIdentityChangesTable;
}

// 20261127_1301_security_hardening: the identity an enterprise had before it changed (append-only).
export interface EnterpriseIdentityChangesTable {
  id: Id;
  enterprise_id: number;
  changed_at: Date;
  old_host_id: number;
  old_type: EnterpriseType;
  old_name: string;
  old_registration_number: string | null;
  old_status: EnterpriseStatus;
  old_verified_by: number | null;
  old_verified_at: Date | null;
  new_host_id: number;
  new_type: EnterpriseType;
  new_name: string;
  new_registration_number: string | null;
}
