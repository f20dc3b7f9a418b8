import { CSV_BOM, toCsv } from "../utils/csv";
import { isIsoDate } from "../utils/dates";

// What a person downloads about themselves (PIPA art. 35): the same content as JSON and as CSV.

export interface PersonalData {
  exportedAt: string;
  profile: { id: number; email: string; displayName: string; locale: string; createdAt: string; ageConfirmedAt: string | null };
  memberships: { enterprise: string; role: string; joinedAt: string }[];
  staffRoles: { host: string; role: string; grantedAt: string }[];
  pledges: {
    pledge: string;
    campaign: string;
    amountWon: number;
    kind: string;
    state: string;
    reward: string | null;
    backerKind: string;
    companyName: string | null;
    businessNumber: string | null;
    nameDisplay: string;
    message: string;
    receiptCode: string;
    cardLast4: string | null;
    createdAt: string;
    collectedAt: string | null;
  }[];
  consents: { purpose: string; granted: boolean; textVersion: string; locale: string; recordedAt: string }[];
}

type Cell = string | number | boolean | null;

/**
 * One row per value: `section, row, field, value` (rows numbered from 1 within a section), so
 * every part of the download fits one table a spreadsheet opens.
 */
export function personalDataCsv(data: PersonalData): string {
  const rows: (string | number | null)[][] = [];
  const add = (section: string, row: number, record: Record<string, Cell>) => {
    for (const [field, value] of Object.entries(record)) rows.push([section, row, field, typeof value === "boolean" ? String(value) : value]);
  };
  add("export", 1, { exportedAt: data.exportedAt });
  add("profile", 1, data.profile);
  data.memberships.forEach((m, i) => add("memberships", i + 1, m));
  data.staffRoles.forEach((r, i) => add("staffRoles", i + 1, r));
  data.pledges.forEach((p, i) => add("pledges", i + 1, p));
  data.consents.forEach((c, i) => add("consents", i + 1, c));
  return CSV_BOM + toCsv(["section", "row", "field", "value"], rows);
}

/** The date records kept by law may be destroyed: five years after the day given (Seoul date). */
export function retentionEnd(seoulDay: string, years = 5): string {
  if (!isIsoDate(seoulDay)) throw new Error(`not a date: ${seoulDay}`);
  const [y, m, d] = seoulDay.split("-").map(Number) as [number, number, number];
  // 29 February keeps to 28 February in a common year.
  const day = m === 2 && d === 29 && !isIsoDate(`${y + years}-02-29`) ? 28 : d;
  return `${y + years}-${String(m).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}
