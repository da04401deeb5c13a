-- AlterTable
ALTER TABLE "Device" ADD COLUMN     "claimKey" TEXT,
ADD COLUMN     "claimedAt" TIMESTAMP(3),
ADD COLUMN     "nonce" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "registeredBlock" BIGINT;

-- AlterTable
ALTER TABLE "Project" ADD COLUMN     "createdBlock" BIGINT,
ADD COLUMN     "rewardToken" TEXT;

-- CreateTable
CREATE TABLE "ProjectOperator" (
    "projectId" INTEGER NOT NULL,
    "address" TEXT NOT NULL,

    CONSTRAINT "ProjectOperator_pkey" PRIMARY KEY ("projectId","address")
);

-- CreateTable
CREATE TABLE "IndexerCursor" (
    "id" SERIAL NOT NULL,
    "chainId" INTEGER NOT NULL,
    "genesisHash" TEXT NOT NULL,
    "projectRegistry" TEXT NOT NULL,
    "deviceRegistry" TEXT NOT NULL,
    "startBlock" BIGINT NOT NULL,
    "blockNumber" BIGINT NOT NULL,
    "blockHash" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "IndexerCursor_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IndexedBlock" (
    "cursorId" INTEGER NOT NULL,
    "number" BIGINT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "IndexedBlock_pkey" PRIMARY KEY ("cursorId","number")
);

-- CreateTable
CREATE TABLE "ChainEvent" (
    "id" BIGSERIAL NOT NULL,
    "cursorId" INTEGER NOT NULL,
    "chainId" INTEGER NOT NULL,
    "blockNumber" BIGINT NOT NULL,
    "blockHash" TEXT NOT NULL,
    "blockTime" TIMESTAMP(3) NOT NULL,
    "txHash" TEXT NOT NULL,
    "logIndex" INTEGER NOT NULL,
    "contract" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "args" JSONB NOT NULL,
    "projectOnchainId" BIGINT,
    "device" TEXT,

    CONSTRAINT "ChainEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ProjectOperator_address_idx" ON "ProjectOperator"("address");

-- CreateIndex
CREATE UNIQUE INDEX "IndexerCursor_chainId_genesisHash_projectRegistry_deviceReg_key" ON "IndexerCursor"("chainId", "genesisHash", "projectRegistry", "deviceRegistry");

-- CreateIndex
CREATE INDEX "ChainEvent_cursorId_blockNumber_idx" ON "ChainEvent"("cursorId", "blockNumber");

-- CreateIndex
CREATE INDEX "ChainEvent_chainId_device_idx" ON "ChainEvent"("chainId", "device");

-- CreateIndex
CREATE INDEX "ChainEvent_chainId_projectOnchainId_idx" ON "ChainEvent"("chainId", "projectOnchainId");

-- CreateIndex
CREATE UNIQUE INDEX "ChainEvent_chainId_txHash_logIndex_key" ON "ChainEvent"("chainId", "txHash", "logIndex");

-- AddForeignKey
ALTER TABLE "ProjectOperator" ADD CONSTRAINT "ProjectOperator_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IndexedBlock" ADD CONSTRAINT "IndexedBlock_cursorId_fkey" FOREIGN KEY ("cursorId") REFERENCES "IndexerCursor"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChainEvent" ADD CONSTRAINT "ChainEvent_cursorId_fkey" FOREIGN KEY ("cursorId") REFERENCES "IndexerCursor"("id") ON DELETE CASCADE ON UPDATE CASCADE;
