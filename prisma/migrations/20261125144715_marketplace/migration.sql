-- CreateEnum
CREATE TYPE "MarketListingKind" AS ENUM ('FEED', 'SERVICE', 'DEVICE');

-- CreateEnum
CREATE TYPE "MarketListingStatus" AS ENUM ('ACTIVE', 'PAUSED', 'CLOSED');

-- CreateEnum
CREATE TYPE "MarketRequestStatus" AS ENUM ('OPEN', 'CLOSED');

-- CreateTable
CREATE TABLE "MarketListing" (
    "id" TEXT NOT NULL,
    "onchainId" TEXT NOT NULL,
    "kind" "MarketListingKind" NOT NULL,
    "status" "MarketListingStatus" NOT NULL DEFAULT 'ACTIVE',
    "sellerAddress" TEXT NOT NULL,
    "projectId" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "metrics" TEXT[],
    "cellsR7" TEXT[],
    "deviceAddresses" TEXT[],
    "unit" TEXT NOT NULL,
    "price" BIGINT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MarketListing_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MarketRequest" (
    "id" TEXT NOT NULL,
    "buyerAddress" TEXT NOT NULL,
    "status" "MarketRequestStatus" NOT NULL DEFAULT 'OPEN',
    "title" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "cellsR7" TEXT[],
    "deviceCount" INTEGER NOT NULL,
    "durationDays" INTEGER NOT NULL,
    "budget" BIGINT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MarketRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MarketOrder" (
    "chainId" INTEGER NOT NULL,
    "orderId" BIGINT NOT NULL,
    "listingId" TEXT,
    "buyerAddress" TEXT NOT NULL,
    "sellerAddress" TEXT NOT NULL,
    "token" TEXT NOT NULL,
    "pricePerUnit" BIGINT NOT NULL,
    "totalUnits" BIGINT NOT NULL,
    "deliveredUnits" BIGINT NOT NULL,
    "releasedToSeller" BIGINT NOT NULL,
    "feesPaid" BIGINT NOT NULL,
    "refunded" BIGINT NOT NULL,
    "feeBps" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "lastActivityAt" TIMESTAMP(3) NOT NULL,
    "createdTx" TEXT NOT NULL,

    CONSTRAINT "MarketOrder_pkey" PRIMARY KEY ("chainId","orderId")
);

-- CreateTable
CREATE TABLE "MarketDeviceSale" (
    "chainId" INTEGER NOT NULL,
    "txHash" TEXT NOT NULL,
    "logIndex" INTEGER NOT NULL,
    "device" TEXT NOT NULL,
    "sellerAddress" TEXT NOT NULL,
    "buyerAddress" TEXT NOT NULL,
    "token" TEXT NOT NULL,
    "price" BIGINT NOT NULL,
    "fee" BIGINT NOT NULL,
    "soldAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MarketDeviceSale_pkey" PRIMARY KEY ("chainId","txHash","logIndex")
);

-- CreateTable
CREATE TABLE "MarketApiKey" (
    "id" TEXT NOT NULL,
    "chainId" INTEGER NOT NULL,
    "orderId" BIGINT NOT NULL,
    "ownerAddress" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "keyHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "revokedAt" TIMESTAMP(3),
    "lastUsedAt" TIMESTAMP(3),
    "requestCount" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "MarketApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MarketAttestation" (
    "chainId" INTEGER NOT NULL,
    "orderId" BIGINT NOT NULL,
    "periodStart" TIMESTAMP(3) NOT NULL,
    "units" BIGINT NOT NULL,
    "txHash" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MarketAttestation_pkey" PRIMARY KEY ("chainId","orderId","periodStart")
);

-- CreateIndex
CREATE UNIQUE INDEX "MarketListing_onchainId_key" ON "MarketListing"("onchainId");

-- CreateIndex
CREATE INDEX "MarketListing_status_kind_createdAt_idx" ON "MarketListing"("status", "kind", "createdAt");

-- CreateIndex
CREATE INDEX "MarketListing_sellerAddress_idx" ON "MarketListing"("sellerAddress");

-- CreateIndex
CREATE INDEX "MarketRequest_status_expiresAt_idx" ON "MarketRequest"("status", "expiresAt");

-- CreateIndex
CREATE INDEX "MarketRequest_buyerAddress_idx" ON "MarketRequest"("buyerAddress");

-- CreateIndex
CREATE INDEX "MarketOrder_buyerAddress_idx" ON "MarketOrder"("buyerAddress");

-- CreateIndex
CREATE INDEX "MarketOrder_sellerAddress_idx" ON "MarketOrder"("sellerAddress");

-- CreateIndex
CREATE INDEX "MarketOrder_listingId_idx" ON "MarketOrder"("listingId");

-- CreateIndex
CREATE INDEX "MarketDeviceSale_device_idx" ON "MarketDeviceSale"("device");

-- CreateIndex
CREATE UNIQUE INDEX "MarketApiKey_keyHash_key" ON "MarketApiKey"("keyHash");

-- CreateIndex
CREATE INDEX "MarketApiKey_chainId_orderId_idx" ON "MarketApiKey"("chainId", "orderId");

-- CreateIndex
CREATE INDEX "MarketApiKey_ownerAddress_idx" ON "MarketApiKey"("ownerAddress");
