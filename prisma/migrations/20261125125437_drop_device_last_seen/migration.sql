-- AlterTable
ALTER TABLE "Device" DROP COLUMN "lastSeenAt";
