-- CreateTable
CREATE TABLE "AdminAlertSettings" (
    "projectId" INTEGER NOT NULL,
    "offlineMinutes" INTEGER NOT NULL DEFAULT 60,
    "qualityBelow" INTEGER NOT NULL DEFAULT 50,
    "batteryBelow" INTEGER NOT NULL DEFAULT 20,
    "webhookUrl" TEXT,
    "webhookSecret" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AdminAlertSettings_pkey" PRIMARY KEY ("projectId")
);

-- CreateTable
CREATE TABLE "AdminAlert" (
    "id" BIGSERIAL NOT NULL,
    "projectId" INTEGER NOT NULL,
    "device" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "openedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" TIMESTAMP(3),
    "acknowledgedAt" TIMESTAMP(3),
    "acknowledgedBy" TEXT,
    "openKey" TEXT,

    CONSTRAINT "AdminAlert_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AdminWebhookDelivery" (
    "id" BIGSERIAL NOT NULL,
    "projectId" INTEGER NOT NULL,
    "alertId" BIGINT NOT NULL,
    "event" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deliveredAt" TIMESTAMP(3),
    "failedAt" TIMESTAMP(3),
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AdminWebhookDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AdminAlert_openKey_key" ON "AdminAlert"("openKey");

-- CreateIndex
CREATE INDEX "AdminAlert_projectId_openedAt_idx" ON "AdminAlert"("projectId", "openedAt");

-- CreateIndex
CREATE INDEX "AdminWebhookDelivery_nextAttemptAt_idx" ON "AdminWebhookDelivery"("nextAttemptAt");

-- CreateIndex
CREATE INDEX "AdminWebhookDelivery_projectId_createdAt_idx" ON "AdminWebhookDelivery"("projectId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "AdminWebhookDelivery_alertId_event_key" ON "AdminWebhookDelivery"("alertId", "event");
