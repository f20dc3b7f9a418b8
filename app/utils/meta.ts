import type { MetaFunction } from "@remix-run/node";
import { isLocale } from "../i18n/locale";
import { dictionaries, type Messages } from "../i18n/messages";

/** A page title in the visitor's language: "<page> · 함께펀드". */
type MetaData<Loader> = Parameters<MetaFunction<Loader>>[0]["data"];

export function titled<Loader = unknown>(pick: (m: Messages, data: MetaData<Loader>) => string): MetaFunction<Loader> {
  return ({ matches, data }) => {
    const rootData = matches.find((match) => match.id === "root")?.data as { locale?: unknown } | undefined;
    const m = dictionaries[isLocale(rootData?.locale) ? rootData.locale : "ko"];
    return [{ title: `${pick(m, data)} · ${m.common.brand}` }];
  };
}
