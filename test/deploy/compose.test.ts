/**
 * No Docker engine runs where these tests run, so the deployment files are
 * kept honest by reading them: the compose stack is complete and only sets
 * variables the gateway knows, and the image is multi-stage, non-root and
 * health-checked.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONFIG_VARIABLES } from '../../src/config.js';

const root = new URL('../../', import.meta.url);
const read = (name: string) => readFile(new URL(name, root), 'utf8');

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
});
