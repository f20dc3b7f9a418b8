import type { Migration } from "kysely";
import * as foundation from "./20261124_0001_foundation";
import * as ledger from "./20261124_0002_ledger";
import * as programmes from "./20261124_0003_programmes";
import * as files from "./20261124_0004_files";
import * as ledgerOpen from "./20261125_0501_ledger_open";

// Listed explicitly (not read from disk) so migrations run the same from source, a bundle or a test.
export const migrations: Record<string, Migration> = {
  "20261124_0001_foundation": foundation,
  "20261124_0002_ledger": ledger,
  "20261124_0003_programmes": programmes,
  "20261124_0004_files": files,
  "20261125_0501_ledger_open": ledgerOpen,
};
