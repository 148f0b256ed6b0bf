import { pathToFileURL } from 'node:url';
import { ConfigError } from './config.js';
import { start, type RunningApp } from './composition/root.js';

export { start, build, type RunningApp, type StartOptions, type BuiltApp } from './composition/root.js';

async function main(): Promise<void> {
  let running: RunningApp;
  try {
    running = await start();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    console.error(`Start-up failed: ${(err as Error).message}`);
    process.exit(1);
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    // Ctrl-C under `npm start` arrives twice (from the terminal and forwarded by npm): one shutdown.
    if (stopping) return void running.logger.info({ signal }, 'signal received again: already shutting down');
    stopping = true;
    running.logger.info({ signal }, 'signal received');
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    running.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        running.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
