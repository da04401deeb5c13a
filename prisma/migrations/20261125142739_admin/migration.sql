-- CreateTable
CREATE TABLE "AdminDeviceMetadata" (
    "address" TEXT NOT NULL,
    "projectId" INTEGER NOT NULL,
    "model" TEXT NOT NULL,
    "serial" TEXT,
    "firmware" TEXT,
    "uploadedBy" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AdminDeviceMetadata_pkey" PRIMARY KEY ("address")
);

-- CreateTable
CREATE TABLE "AdminAuditEntry" (
    "id" BIGSERIAL NOT NULL,
    "projectId" INTEGER NOT NULL,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "details" JSONB NOT NULL,
    "txHash" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AdminAuditEntry_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AdminDeviceMetadata_projectId_firmware_idx" ON "AdminDeviceMetadata"("projectId", "firmware");

-- CreateIndex
CREATE INDEX "AdminDeviceMetadata_projectId_serial_idx" ON "AdminDeviceMetadata"("projectId", "serial");

-- CreateIndex
CREATE INDEX "AdminAuditEntry_projectId_createdAt_idx" ON "AdminAuditEntry"("projectId", "createdAt");
