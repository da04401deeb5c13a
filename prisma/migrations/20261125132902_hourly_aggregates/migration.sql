-- CreateTable
CREATE TABLE "DeviceHour" (
    "device" TEXT NOT NULL,
    "hourStart" TIMESTAMP(3) NOT NULL,
    "messageCount" INTEGER NOT NULL,
    "onlineMinutes" INTEGER NOT NULL,
    "distanceMeters" DOUBLE PRECISION NOT NULL,
    "cellsR7" TEXT[],
    "cellsR8" TEXT[],
    "sensors" JSONB NOT NULL,
    "qualityScore" INTEGER NOT NULL,
    "findings" JSONB NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DeviceHour_pkey" PRIMARY KEY ("device","hourStart")
);

-- CreateIndex
CREATE INDEX "DeviceHour_hourStart_idx" ON "DeviceHour"("hourStart");
