-- AlterTable
ALTER TABLE "agent" ADD COLUMN     "locale" TEXT,
ADD COLUMN     "presence" TEXT NOT NULL DEFAULT 'online';

-- AlterTable
ALTER TABLE "customer" ADD COLUMN     "email" TEXT,
ADD COLUMN     "phone" TEXT;
