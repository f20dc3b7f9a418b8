export type EmailLocale = "ko" | "en";
