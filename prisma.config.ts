// Prisma 7 CLI configuration. The CLI is used only for `prisma generate` here:
// migrations are applied at start-up by src/db/migrate.ts (see docs/database.md).
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});
