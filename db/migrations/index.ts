import type { Migration } from "kysely";
import * as foundation from "./20261124_0001_foundation";
import * as ledger from "./20261124_0002_ledger";
import * as programmes from "./20261124_0003_programmes";
import * as files from "./20261124_0004_files";
import * as campaignsPledges from "./20261125_0401_campaigns_pledges";
import * as disbursements from "./20261125_0402_disbursements";
import * as contestWorkflow from "./20261125_0601_contest_workflow";
import * as rounds from "./20261125_0602_rounds";
import * as matching from "./20261125_0603_matching";
import * as consultingGrants from "./20261125_0604_consulting_grants";
import * as fundLoans from "./20261125_0701_fund_loans";
import * as ledgerOpen from "./20261125_0501_ledger_open";
import * as loanOnlinePayments from "./20261125_0702_loan_online_payments";
import * as grantPeriod from "./20261126_0605_grant_period";
import * as consultantUnassignment from "./20261126_0606_consultant_unassignment";
import * as ledgerAppend from "./20261126_0801_ledger_append";
import * as ledgerAppendInDatabase from "./20261126_0802_ledger_append_in_database";
import * as fundFourEyes from "./20261126_0703_fund_four_eyes";
import * as privacy from "./20261127_1601_privacy";
import * as fileBlobs from "./20261127_0901_file_blobs";
import * as pageDataVersion from "./20261204_1401_page_data_version";
import * as securityHardening from "./20261127_1301_security_hardening";
import * as screeningCalls from "./20261127_1901_screening_calls";
import * as koreanPaymentMethods from "./20261127_1601_korean_payment_methods";
import * as ledgerSequencer from "./20261204_0901_ledger_sequencer";
import * as merkleTree from "./20261127_1801_merkle_tree";
import * as entryBundleFit from "./20261204_1501_entry_bundle_fit";
import * as ledgerChecksPerStatement from "./20261205_0001_ledger_checks_per_statement";
import * as sequencerIdleTicks from "./20261205_0901_sequencer_idle_ticks";
import * as ledgerWritePlans from "./20261205_1001_ledger_write_plans";
import * as pageVersionBumpPlpgsql from "./20261205_1101_page_version_bump_plpgsql";
import * as pledgeProcessorRefsUnshown from "./20261205_1201_pledge_processor_refs_unshown";
import * as outflowCheckInSavepoints from "./20261206_0101_outflow_check_in_savepoints";

// Listed explicitly (not read from disk) so migrations run the same from source, a bundle or a test.
export const migrations: Record<string, Migration> = {
  "20261124_0001_foundation": foundation,
  "20261124_0002_ledger": ledger,
  "20261124_0003_programmes": programmes,
  "20261124_0004_files": files,
  "20261125_0401_campaigns_pledges": campaignsPledges,
  "20261125_0402_disbursements": disbursements,
  "20261125_0601_contest_workflow": contestWorkflow,
  "20261125_0602_rounds": rounds,
  "20261125_0603_matching": matching,
  "20261125_0604_consulting_grants": consultingGrants,
  "20261125_0701_fund_loans": fundLoans,
  "20261125_0501_ledger_open": ledgerOpen,
  "20261125_0702_loan_online_payments": loanOnlinePayments,
  "20261126_0605_grant_period": grantPeriod,
  "20261126_0606_consultant_unassignment": consultantUnassignment,
  "20261126_0801_ledger_append": ledgerAppend,
  "20261126_0802_ledger_append_in_database": ledgerAppendInDatabase,
  "20261126_0703_fund_four_eyes": fundFourEyes,
  "20261127_1601_privacy": privacy,
  "20261127_0901_file_blobs": fileBlobs,
  "20261204_1401_page_data_version": pageDataVersion,
  "20261127_1301_security_hardening": securityHardening,
  "20261127_1901_screening_calls": screeningCalls,
  "20261127_1601_korean_payment_methods": koreanPaymentMethods,
  "20261204_0901_ledger_sequencer": ledgerSequencer,
  "20261127_1801_merkle_tree": merkleTree,
  "20261204_1501_entry_bundle_fit": entryBundleFit,
  "20261205_0001_ledger_checks_per_statement": ledgerChecksPerStatement,
  "20261205_0901_sequencer_idle_ticks": sequencerIdleTicks,
  "20261205_1001_ledger_write_plans": ledgerWritePlans,
  "20261205_1101_page_version_bump_plpgsql": pageVersionBumpPlpgsql,
  "20261205_1201_pledge_processor_refs_unshown": pledgeProcessorRefsUnshown,
  "20261206_0101_outflow_check_in_savepoints": outflowCheckInSavepoints,
};
