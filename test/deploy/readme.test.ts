/**
 * The README's production command starts the gateway as written: the
 * variables and the command of its "Running against PostgreSQL and Redis"
 * block, with only the service hosts pointed at the test services.
 */
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { havePostgres, haveRedis } from '../support/services.js';
import { createTestServices, expectAdapterSubscribed, expectReady, spawnGateway, stopGateway, type GatewayProcess, type TestServices } from './gateway-process.js';

const root = new URL('../../', import.meta.url);

/** The first `sh` block under a README heading, as the variables it sets and the command it runs. */
async function readmeCommand(heading: string): Promise<{ env: Record<string, string>; argv: string[] }> {
  const readme = await readFile(new URL('README.md', root), 'utf8');
  const section = readme.slice(readme.indexOf(`\n## ${heading}\n`));
  const block = /```sh\n([\s\S]*?)```/.exec(section);
  if (!section.startsWith('\n## ') || !block) throw new Error(`no sh block under "## ${heading}" in README.md`);
  const words = block[1]!.replace(/\\\n/g, ' ').trim().split(/\s+/);
  const env: Record<string, string> = {};
  while (words.length > 0 && /^[A-Z_][A-Z0-9_]*=/.test(words[0]!)) {
    const word = words.shift()!;
    env[word.slice(0, word.indexOf('='))] = word.slice(word.indexOf('=') + 1);
  }
  return { env, argv: words };
}

describe.skipIf(!(havePostgres() && haveRedis()))('README: Running against PostgreSQL and Redis', () => {
  let services: TestServices | undefined;
  let gateway: GatewayProcess | undefined;
  afterEach(async () => {
    await stopGateway(gateway);
    await services?.remove();
  });

  it('its command starts the gateway, which becomes ready', async () => {
    const { env, argv } = await readmeCommand('Running against PostgreSQL and Redis');
    expect(Object.keys(env)).toEqual(expect.arrayContaining(['DATABASE_URL', 'REDIS_URL']));
    expect(argv.length).toBeGreaterThan(0);
    services = await createTestServices();
    gateway = spawnGateway(
      argv[0]!,
      argv.slice(1),
      {
        ...env,
        DATABASE_URL: services.databaseUrl,
        REDIS_URL: services.redisUrl,
        // What a shell gives the command besides the block's variables, and where this test runs it.
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? services.dataDir,
        REDIS_PREFIX: services.redisPrefix,
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: services.dataDir,
      },
      root.pathname,
    );
    await expectReady(gateway);
    await expectAdapterSubscribed(services.redisPrefix);
  }, 120_000);
});
