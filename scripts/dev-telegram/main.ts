/** Entry point of `npm run dev:telegram`; see cli.ts. */
import { runDevTelegram } from './cli.js';

runDevTelegram(process.argv.slice(2)).catch((error: unknown) => {
  const inUse = (error as { code?: string }).code === 'EADDRINUSE';
  console.error(inUse ? `A port is taken (${(error as Error).message}): choose others with --port and --page-port.` : `dev:telegram failed to start: ${String(error)}`);
  process.exit(inUse ? 1 : 2);
});
