-- AlterTable
ALTER TABLE "message" ADD COLUMN     "incident_update_id" BIGINT;

-- AlterTable
ALTER TABLE "outbox" ADD COLUMN     "priority" SMALLINT NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "request" ADD COLUMN     "incident_id" TEXT,
ADD COLUMN     "titles" JSONB,
ALTER COLUMN "customer_id" DROP NOT NULL;

-- AlterTable
ALTER TABLE "status_change" ADD COLUMN     "event" TEXT NOT NULL DEFAULT 'status',
ADD COLUMN     "incident_id" TEXT;

-- CreateTable
CREATE TABLE "incident_update" (
    "id" BIGSERIAL NOT NULL,
    "incident_id" TEXT NOT NULL,
    "agent_id" TEXT,
    "text" TEXT NOT NULL,
    "internal" BOOLEAN NOT NULL DEFAULT false,
    "text_ru" TEXT,
    "text_en" TEXT,
    "recipients" INTEGER NOT NULL DEFAULT 0,
    "fanout_after" TEXT,
    "fanout_done_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "incident_update_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "incident_update_incident_id_id_idx" ON "incident_update"("incident_id", "id");

-- CreateIndex
CREATE INDEX "incident_update_fanout_done_at_id_idx" ON "incident_update"("fanout_done_at", "id");

-- CreateIndex
CREATE UNIQUE INDEX "message_incident_update_id_request_id_key" ON "message"("incident_update_id", "request_id");

-- CreateIndex
CREATE INDEX "request_incident_id_id_idx" ON "request"("incident_id", "id");

-- AddForeignKey
ALTER TABLE "request" ADD CONSTRAINT "request_incident_id_fkey" FOREIGN KEY ("incident_id") REFERENCES "request"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "message" ADD CONSTRAINT "message_incident_update_id_fkey" FOREIGN KEY ("incident_update_id") REFERENCES "incident_update"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "status_change" ADD CONSTRAINT "status_change_incident_id_fkey" FOREIGN KEY ("incident_id") REFERENCES "request"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "incident_update" ADD CONSTRAINT "incident_update_incident_id_fkey" FOREIGN KEY ("incident_id") REFERENCES "request"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "incident_update" ADD CONSTRAINT "incident_update_agent_id_fkey" FOREIGN KEY ("agent_id") REFERENCES "agent"("id") ON DELETE SET NULL ON UPDATE CASCADE;
