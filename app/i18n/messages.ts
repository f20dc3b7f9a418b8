import type { Locale } from "./locale";
import { account } from "./messages/account";
import { campaigns } from "./messages/campaigns";
import { fund } from "./messages/fund";
import { ledger } from "./messages/ledger";
import { loans } from "./messages/loans";
import { matching } from "./messages/matching";
import { auth } from "./messages/auth";
import { common } from "./messages/common";
import { contests } from "./messages/contests";
import { contestWork } from "./messages/contest-work";
import { dev } from "./messages/dev";
import { enterprises } from "./messages/enterprises";
import { errors } from "./messages/errors";
import { home } from "./messages/home";
import { notices } from "./messages/notices";
import { payments } from "./messages/payments";
import { pledges } from "./messages/pledges";
import { privacy } from "./messages/privacy";
import { results } from "./messages/results";
import { round } from "./messages/round";
import { screening } from "./messages/screening";
import { spending } from "./messages/spending";
import { staffCampaigns } from "./messages/staff-campaigns";
import { staff } from "./messages/staff";

// One group per area of the product; each group is checked to have the same keys in both languages.
const groups = { common, auth, errors, notices, enterprises, home, staff, account, dev, contests, campaigns, ledger, fund, pledges, payments, staffCampaigns, spending, contestWork, loans, results, matching, round, privacy, screening };

type Groups = typeof groups;
export type Messages = { [K in keyof Groups]: Groups[K]["ko"] };

function pick(locale: Locale): Messages {
  return Object.fromEntries(Object.entries(groups).map(([name, group]) => [name, group[locale]])) as Messages;
}

export const dictionaries: Record<Locale, Messages> = { ko: pick("ko"), en: pick("en") };
