import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import { COMPRESSIBLE_ASSET, PRECOMPRESSED_SUFFIX } from "../app/server/compressed-assets.server";

// Run by `npm run build` after Remix's build: every built script and stylesheet is compressed
// once, at the strongest settings (brotli 11, gzip 9), beside the original, so the web processes
// never compress an asset per request and phones download a quarter of the bytes.

const assetsDir = resolve(import.meta.dirname, "../build/public/build");
const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile() && COMPRESSIBLE_ASSET.test(entry.name)).map((entry) => join(entry.parentPath, entry.name));
}

async function compress(file: string): Promise<void> {
  const body = await readFile(file);
  const variants = await Promise.all([
    brotli(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }).then((b) => [PRECOMPRESSED_SUFFIX.br, b] as const),
    gzipped(body, { level: 9 }).then((b) => [PRECOMPRESSED_SUFFIX.gzip, b] as const),
  ]);
  // A variant no smaller than the original is not worth a Content-Encoding.
  for (const [suffix, compressed] of variants) {
    if (compressed.length < body.length) await writeFile(file + suffix, compressed);
  }
}

const started = performance.now();
const files = await filesUnder(assetsDir);
const original = (await Promise.all(files.map((f) => stat(f).then((s) => s.size)))).reduce((a, b) => a + b, 0);
await Promise.all(files.map(compress));
console.log(`compressed ${files.length} assets (${(original / 1024).toFixed(0)} KB) into .br and .gz in ${((performance.now() - started) / 1000).toFixed(1)} s`);
