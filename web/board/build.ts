import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** Where the built page lives; the HTTP door serves it from here (src/miniapp-api/routes/board-page.routes.ts). */
export const BOARD_DIST = fileURLToPath(new URL('../../dist/board/', import.meta.url));

/** Builds the live board page (web/board) into dist/board with Vite: hashed assets under /board/assets/, nothing from a CDN. */
export async function buildBoard(options: { quiet?: boolean } = {}): Promise<void> {
  // Vite is a devDependency: loaded only to build (a production install serves a dist/board built beforehand).
  const { build } = await import('vite');
  await build({
    root: fileURLToPath(new URL('.', import.meta.url)),
    base: '/board/',
    configFile: false,
    logLevel: options.quiet ? 'warn' : 'info',
    build: { outDir: BOARD_DIST, emptyOutDir: true, target: 'es2020', assetsInlineLimit: 0, reportCompressedSize: false },
  });
}

const newest = (dir: string): number =>
  Math.max(0, ...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs)));

/** Builds when dist/board is missing or older than a source file of web/board (the test setup calls this). */
export async function buildBoardIfStale(): Promise<boolean> {
  let built = 0;
  try {
    built = statSync(join(BOARD_DIST, 'index.html')).mtimeMs;
  } catch {
    /* not built yet */
  }
  if (built >= newest(fileURLToPath(new URL('.', import.meta.url)))) return false;
  await buildBoard({ quiet: true });
  return true;
}

/** Whether Vite is installed: not after `npm ci --omit=dev`. */
export function viteInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('vite');
    return true;
  } catch {
    return false;
  }
}

// `tsx web/board/build.ts` builds; with `--if-vite` (prepare, prestart) a production install without Vite
// skips the build and keeps the dist/board its build step made (README: Production).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--if-vite') && !viteInstalled()) {
    console.log(`board: Vite is not installed (production install): not building; serving ${BOARD_DIST} as built (npm run build:board in a full install)`);
  } else {
    await buildBoard();
  }
}
