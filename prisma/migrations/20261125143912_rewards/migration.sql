-- CreateEnum
CREATE TYPE "RewardEpochStatus" AS ENUM ('computed', 'proved', 'submitted', 'confirmed', 'failed');

-- CreateTable
CREATE TABLE "RewardPolicy" (
    "id" SERIAL NOT NULL,
    "projectId" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    "basePerMinute" DECIMAL(78,0) NOT NULL,
    "minQualityMultiplierBps" INTEGER NOT NULL,
    "coverageBonusBps" INTEGER NOT NULL,
    "demandBonusBps" INTEGER NOT NULL,
    "epochBudget" DECIMAL(78,0) NOT NULL,
    "policyHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RewardPolicy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RewardEpoch" (
    "id" SERIAL NOT NULL,
    "projectId" INTEGER NOT NULL,
    "epoch" INTEGER NOT NULL,
    "windowStart" TIMESTAMP(3) NOT NULL,
    "windowEnd" TIMESTAMP(3) NOT NULL,
    "policyId" INTEGER NOT NULL,
    "status" "RewardEpochStatus" NOT NULL,
    "deviceCount" INTEGER NOT NULL,
    "batchCount" INTEGER NOT NULL,
    "rawTotal" DECIMAL(78,0) NOT NULL,
    "paidTotal" DECIMAL(78,0) NOT NULL,
    "scaled" BOOLEAN NOT NULL,
    "inputs" JSONB NOT NULL,
    "epochRoot" TEXT,
    "finalizeTx" TEXT,
    "error" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "timings" JSONB NOT NULL DEFAULT '{}',
    "leaseOwner" TEXT,
    "leaseUntil" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "confirmedAt" TIMESTAMP(3),

    CONSTRAINT "RewardEpoch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RewardBatch" (
    "epochId" INTEGER NOT NULL,
    "batchIndex" INTEGER NOT NULL,
    "inputsCommitment" TEXT NOT NULL,
    "prevRoot" TEXT NOT NULL,
    "newRoot" TEXT NOT NULL,
    "batchRaw" DECIMAL(78,0) NOT NULL,
    "batchPaid" DECIMAL(78,0) NOT NULL,
    "proof" JSONB,
    "publicSignals" JSONB,
    "provingMs" INTEGER,
    "submitTx" TEXT,

    CONSTRAINT "RewardBatch_pkey" PRIMARY KEY ("epochId","batchIndex")
);

-- CreateTable
CREATE TABLE "RewardDeviceEpoch" (
    "epochId" INTEGER NOT NULL,
    "device" TEXT NOT NULL,
    "slot" INTEGER NOT NULL,
    "onlineMinutes" INTEGER NOT NULL,
    "qualityScore" INTEGER NOT NULL,
    "underserved" BOOLEAN NOT NULL,
    "inDemand" BOOLEAN NOT NULL,
    "active" BOOLEAN NOT NULL,
    "qualityMultiplierBps" INTEGER NOT NULL,
    "bonusBps" INTEGER NOT NULL,
    "raw" DECIMAL(78,0) NOT NULL,
    "amount" DECIMAL(78,0) NOT NULL,
    "cumulative" DECIMAL(78,0) NOT NULL,
    "merkleProof" JSONB NOT NULL,

    CONSTRAINT "RewardDeviceEpoch_pkey" PRIMARY KEY ("epochId","device")
);

-- CreateTable
CREATE TABLE "RewardSlot" (
    "projectId" INTEGER NOT NULL,
    "device" TEXT NOT NULL,
    "slot" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RewardSlot_pkey" PRIMARY KEY ("projectId","device")
);

-- CreateIndex
CREATE UNIQUE INDEX "RewardPolicy_projectId_version_key" ON "RewardPolicy"("projectId", "version");

-- CreateIndex
CREATE INDEX "RewardEpoch_status_idx" ON "RewardEpoch"("status");

-- CreateIndex
CREATE UNIQUE INDEX "RewardEpoch_projectId_epoch_key" ON "RewardEpoch"("projectId", "epoch");

-- CreateIndex
CREATE INDEX "RewardDeviceEpoch_device_idx" ON "RewardDeviceEpoch"("device");

-- CreateIndex
CREATE UNIQUE INDEX "RewardSlot_projectId_slot_key" ON "RewardSlot"("projectId", "slot");

-- AddForeignKey
ALTER TABLE "RewardEpoch" ADD CONSTRAINT "RewardEpoch_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "RewardPolicy"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RewardBatch" ADD CONSTRAINT "RewardBatch_epochId_fkey" FOREIGN KEY ("epochId") REFERENCES "RewardEpoch"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RewardDeviceEpoch" ADD CONSTRAINT "RewardDeviceEpoch_epochId_fkey" FOREIGN KEY ("epochId") REFERENCES "RewardEpoch"("id") ON DELETE CASCADE ON UPDATE CASCADE;
