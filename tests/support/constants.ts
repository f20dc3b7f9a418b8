export const TEMPLATE_DATABASE = "hamkke_template";
/** The migrated template with the demo data: as of DEMO_SEED_DAY (the integration tests' injected clock), or today for browser tests. */
export const DEMO_TEMPLATE_DATABASE = "hamkke_template_demo";
export const DEMO_SEED_DAY = "2026-11-24";
/** Debian's Chromium (apt-get install chromium); tests never download a browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
