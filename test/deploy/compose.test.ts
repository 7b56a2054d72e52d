/**
 * No Docker engine runs where these tests run, so the deployment files are
 * kept honest by reading them: the compose stack is complete and only sets
 * variables the gateway knows, the gateway starts with the environment the
 * stack gives it, and the image is multi-stage, non-root and health-checked.
 * Where a compose client exists (no engine needed), it validates the file too.
 */
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONFIG_VARIABLES } from '../../src/config.js';
import { havePostgres, haveRedis } from '../support/services.js';
import { createTestServices, expectAdapterSubscribed, expectReady, spawnGateway, stopGateway, type GatewayProcess, type TestServices } from './gateway-process.js';

const root = new URL('../../', import.meta.url);
const read = (name: string) => readFile(new URL(name, root), 'utf8');

/** `docker compose` (the v2 plugin) or the standalone `docker-compose`, whichever this machine has. */
function composeClient(): string[] | null {
  for (const client of [['docker', 'compose'], ['docker-compose']]) {
    if (spawnSync(client[0]!, [...client.slice(1), 'version'], { stdio: 'ignore' }).status === 0) return client;
  }
  return null;
}

/** The environment the runtime stage's ENV instructions set (values without quotes or spaces, as this Dockerfile writes them). */
function imageEnvironment(dockerfile: string): Record<string, string> {
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM ')).replace(/\\\n\s*/g, ' ');
  const env: Record<string, string> = {};
  for (const line of runtime.split('\n')) {
    const instruction = /^ENV\s+(.+)$/.exec(line.trim());
    if (!instruction) continue;
    for (const pair of instruction[1]!.trim().split(/\s+/)) {
      const eq = pair.indexOf('=');
      env[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  }
  return env;
}

/** A compose `environment:` in either of its forms, a map or a list of NAME=value. */
function environmentOf(service: { environment?: Record<string, unknown> | string[] }): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) return Object.fromEntries(env.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
  return Object.fromEntries(Object.entries(env).map(([name, value]) => [name, String(value ?? '')]));
}

describe('docker-compose.yml', () => {
  it('runs the gateway with PostgreSQL and Redis, waiting for them to be healthy', async () => {
    const compose = parse(await read('docker-compose.yml'));
    expect(Object.keys(compose.services).sort()).toEqual(['gateway', 'postgres', 'redis']);
    const gateway = compose.services.gateway;
    expect(gateway.build).toBe('.');
    expect(gateway.depends_on).toEqual({
      postgres: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
    });
    expect(compose.services.postgres.healthcheck).toBeDefined();
    expect(compose.services.redis.healthcheck).toBeDefined();

    const pg = compose.services.postgres.environment;
    const url = new URL(gateway.environment.DATABASE_URL);
    expect([url.hostname, url.username, url.password, url.pathname]).toEqual(['postgres', pg.POSTGRES_USER, pg.POSTGRES_PASSWORD, `/${pg.POSTGRES_DB}`]);
    expect(new URL(gateway.environment.REDIS_URL).hostname).toBe('redis');
  });

  it('sets only variables the gateway reads', async () => {
    const compose = parse(await read('docker-compose.yml'));
    const known = new Set(CONFIG_VARIABLES.map((v) => v.name));
    for (const name of Object.keys(compose.services.gateway.environment)) expect(known).toContain(name);
  });

  const client = composeClient();
  it.skipIf(!client)(`is valid for ${client ? client.join(' ') : 'docker compose (skipped: no compose client on this machine)'}: config -q`, () => {
    const result = spawnSync(client![0]!, [...client!.slice(1), 'config', '-q'], { cwd: root, encoding: 'utf8' });
    expect(result.stderr.trim()).toBe('');
    expect(result.status).toBe(0);
  });
});

describe.skipIf(!(havePostgres() && haveRedis()))('the gateway service of docker-compose.yml', () => {
  let services: TestServices | undefined;
  let gateway: GatewayProcess | undefined;
  afterEach(async () => {
    await stopGateway(gateway);
    await services?.remove();
  });

  // The container's environment is the image's ENV and the service's environment; only where the
  // services are differs here: the test PostgreSQL and Redis, a free port, a data folder of its own.
  // The image runs the compiled dist/main.js; this runs the same source through tsx, without a build.
  it('starts with exactly the environment the stack gives it, and becomes ready', async () => {
    services = await createTestServices();
    const compose = parse(await read('docker-compose.yml'));
    const env = { ...imageEnvironment(await read('Dockerfile')), ...environmentOf(compose.services.gateway) };
    expect(Object.keys(env)).toEqual(expect.arrayContaining(['DATABASE_URL', 'REDIS_URL']));
    Object.assign(env, {
      DATABASE_URL: services.databaseUrl,
      REDIS_URL: services.redisUrl,
      REDIS_PREFIX: services.redisPrefix,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: services.dataDir,
      PATH: process.env.PATH ?? '',
    });
    gateway = spawnGateway(process.execPath, ['--import', 'tsx', 'src/main.ts'], env, root.pathname);
    await expectReady(gateway);
    await expectAdapterSubscribed(services.redisPrefix);
  }, 120_000);
});

describe('Dockerfile', () => {
  it('builds in one stage and runs as a non-root user with a health check in another', async () => {
    const dockerfile = await read('Dockerfile');
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n?.*\/health/m);
    expect(dockerfile).toMatch(/^CMD \["node", "dist\/main.js"\]$/m);
    // npm ci's postinstall builds the widget and the console, whose sources are not copied yet then.
    expect(dockerfile).toMatch(/^RUN npm ci --ignore-scripts/m);
    for (const served of ['widget/dist', 'widget/demo.html', 'console/dist']) {
      expect(dockerfile, served).toContain(`COPY --from=build /app/${served} ./${served}`);
    }
    const build = JSON.parse(await read('tsconfig.build.json'));
    expect(build.compilerOptions.outDir).toBe('dist');
    expect(build.compilerOptions.rootDir).toBe('src');
  });

  // .ci/run reads the same ARG to typecheck, lint and test on exactly this release.
  it('runs one exact Node.js release in both stages, one that package.json supports and types', async () => {
    const dockerfile = await read('Dockerfile');
    const version = /^ARG NODE_VERSION=(\d+\.\d+\.\d+)$/m.exec(dockerfile)?.[1];
    expect(version, 'ARG NODE_VERSION=<x.y.z> before the first FROM').toBeDefined();
    expect(dockerfile.indexOf('ARG NODE_VERSION=')).toBeLessThan(dockerfile.indexOf('\nFROM '));
    for (const from of dockerfile.match(/^FROM .*$/gm) ?? []) expect(from).toMatch(/^FROM node:\$\{NODE_VERSION\}-/);

    const pkg = JSON.parse(await read('package.json'));
    const lines = String(pkg.engines.node).split('||').map((range) => {
      const caret = /^\^(\d+)\.(\d+)\.(\d+)$/.exec(range.trim());
      if (!caret) throw new Error(`engines.node is expected as ^x.y.z alternatives (one per LTS line), got "${range.trim()}"`);
      return caret.slice(1).map(Number);
    });
    const [major, minor, patch] = version!.split('.').map(Number);
    expect(lines.some(([m, n, p]) => m === major && (minor! > n! || (minor === n && patch! >= p!))), `${version} within ${pkg.engines.node}`).toBe(true);
    // Typed for the oldest line supported, so code using a newer API fails to compile.
    expect(Number(pkg.devDependencies['@types/node'].split('.')[0])).toBe(Math.min(...lines.map(([m]) => m!)));
  });
});
