-- CreateTable
CREATE TABLE "DevicePairing" (
    "id" TEXT NOT NULL,
    "device" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "chainId" INTEGER NOT NULL,
    "registry" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "claimDeadline" BIGINT NOT NULL,
    "claimNonce" BIGINT,
    "claimSignature" TEXT,
    "signedAt" TIMESTAMP(3),

    CONSTRAINT "DevicePairing_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "DevicePairing_device_expiresAt_idx" ON "DevicePairing"("device", "expiresAt");

-- CreateIndex
CREATE INDEX "DevicePairing_owner_idx" ON "DevicePairing"("owner");
