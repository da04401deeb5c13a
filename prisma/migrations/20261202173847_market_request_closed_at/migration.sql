-- AlterTable
ALTER TABLE "MarketRequest" ADD COLUMN     "closedAt" TIMESTAMP(3);
