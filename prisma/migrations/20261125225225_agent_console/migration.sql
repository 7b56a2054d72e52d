-- CreateTable
CREATE TABLE "agent_session" (
    "id" TEXT NOT NULL,
    "agent_id" TEXT NOT NULL,
    "csrf_token" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "agent_session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "canned_response" (
    "id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "created_by_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "canned_response_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "request_read" (
    "agent_id" TEXT NOT NULL,
    "request_id" TEXT NOT NULL,
    "last_read_message_id" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "request_read_pkey" PRIMARY KEY ("agent_id","request_id")
);

-- CreateIndex
CREATE INDEX "agent_session_agent_id_idx" ON "agent_session"("agent_id");

-- CreateIndex
CREATE INDEX "agent_session_expires_at_idx" ON "agent_session"("expires_at");

-- AddForeignKey
ALTER TABLE "agent_session" ADD CONSTRAINT "agent_session_agent_id_fkey" FOREIGN KEY ("agent_id") REFERENCES "agent"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "canned_response" ADD CONSTRAINT "canned_response_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "agent"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "request_read" ADD CONSTRAINT "request_read_agent_id_fkey" FOREIGN KEY ("agent_id") REFERENCES "agent"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "request_read" ADD CONSTRAINT "request_read_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "request"("id") ON DELETE CASCADE ON UPDATE CASCADE;
