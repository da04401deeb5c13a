-- CreateTable
CREATE TABLE "map_device" (
    "device" TEXT NOT NULL,
    "projectId" INTEGER NOT NULL,
    "lat" DOUBLE PRECISION NOT NULL,
    "lon" DOUBLE PRECISION NOT NULL,
    "cellR7" TEXT NOT NULL,
    "publicLat" DOUBLE PRECISION NOT NULL,
    "publicLon" DOUBLE PRECISION NOT NULL,
    "cellR2" TEXT NOT NULL,
    "cellR3" TEXT NOT NULL,
    "cellR4" TEXT NOT NULL,
    "cellR5" TEXT NOT NULL,
    "cellR6" TEXT NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL,
    "measuredAt" TIMESTAMP(3) NOT NULL,
    "pm25" DOUBLE PRECISION,
    "temperature" DOUBLE PRECISION,
    "humidity" DOUBLE PRECISION,
    "light" DOUBLE PRECISION,
    "qualityScore" INTEGER,
    "uptimePct" DOUBLE PRECISION,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "map_device_pkey" PRIMARY KEY ("device")
);

-- CreateTable
CREATE TABLE "map_cursor" (
    "id" INTEGER NOT NULL,
    "seenUpTo" TIMESTAMPTZ(6) NOT NULL,
    "hourUpTo" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "map_cursor_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "map_device_publicLat_publicLon_idx" ON "map_device"("publicLat", "publicLon");

-- CreateIndex
CREATE INDEX "map_device_lastSeenAt_idx" ON "map_device"("lastSeenAt");

-- CreateIndex
CREATE INDEX "map_device_updatedAt_idx" ON "map_device"("updatedAt");

-- CreateIndex
CREATE INDEX "map_device_projectId_idx" ON "map_device"("projectId");
