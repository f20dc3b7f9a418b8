import { useRouteLoaderData } from "@remix-run/react";
import type { loader as rootLoader } from "../root";
import { DEFAULT_LOCALE, type Locale } from "./locale";
import { dictionaries, type Messages } from "./messages";

export function useRootData() {
  return useRouteLoaderData<typeof rootLoader>("root");
}

export function useLocale(): Locale {
  return useRootData()?.locale ?? DEFAULT_LOCALE;
}

export function useMessages(): Messages {
  return dictionaries[useLocale()];
}

export function useCsrfToken(): string {
  return useRootData()?.csrfToken ?? "";
}

export function useCurrentUser() {
  return useRootData()?.user ?? null;
}
