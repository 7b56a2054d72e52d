-- AlterTable
ALTER TABLE "customer" ADD COLUMN     "tokens_valid_after" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "setting" (
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "setting_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "attachment_customer_id_message_id_idx" ON "attachment"("customer_id", "message_id");

-- CreateIndex
CREATE INDEX "attachment_created_at_idx" ON "attachment"("created_at");
