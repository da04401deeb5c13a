import { randomBytes } from "node:crypto";
import { latLngToCell } from "h3-js";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createDbClient } from "../../../lib/db/create-client";
import { mapCellsFor } from "../../../lib/map/cells";
import { queryViewport } from "../../../lib/map/viewport";
import { playbackFrames, viewportQuerySchema } from "../../../lib/map/viewport-params";

const db = createDbClient(inject("databaseUrl"));
const addresses = [0, 1].map(() => `0x${randomBytes(20).toString("hex")}`);

afterAll(async () => {
  await db.$executeRaw`DELETE FROM map_device WHERE device = ANY(${addresses}::text[])`;
  await db.$executeRaw`DELETE FROM "DeviceHour" WHERE device = ANY(${addresses}::text[])`;
  await db.$disconnect();
});

describe("map playback", () => {
  it("hexagons of one frame come from that frame's hourly aggregates only", async () => {
    const project = await db.project.create({ data: { chainId: 31337, slug: `playback-${randomBytes(5).toString("hex")}`, name: "Playback", adminAddress: "0x0000000000000000000000000000000000000001" } });
    // Reykjavik, far from other tests' devices.
    const positions = [
      [64.1466, -21.9426],
      [64.1366, -21.9526],
    ] as const;
    for (const [i, address] of addresses.entries()) {
      const [lat, lon] = positions[i]!;
      const cells = mapCellsFor(lat, lon);
      await db.mapDevice.create({
        data: { device: address, projectId: project.id, lat, lon, ...cells, lastSeenAt: new Date(), measuredAt: new Date(), updatedAt: new Date() },
      });
    }
    const frames = playbackFrames("24h", new Date());
    const [older, newer] = [frames[frames.length - 3]!, frames[frames.length - 1]!];
    const hour = (device: string, hourStart: Date, pm25: number, onlineMinutes: number) => ({
      device, hourStart, messageCount: 60, onlineMinutes, distanceMeters: 0, cellsR7: [], cellsR8: [],
      sensors: { pm25: { min: pm25, mean: pm25, max: pm25, count: 60 } }, qualityScore: 90, findings: [], computedAt: new Date(),
    });
    await db.deviceHour.createMany({
      data: [hour(addresses[0]!, older, 10, 60), hour(addresses[1]!, older, 30, 0), hour(addresses[0]!, newer, 50, 60)],
    });

    const at = async (frame: Date) => {
      const query = viewportQuerySchema.parse({ west: "-23", south: "63.5", east: "-21", north: "64.5", zoom: "5", window: "24h", metric: "pm25", project: project.slug, frame: frame.toISOString() });
      const response = await queryViewport(db, query, null);
      if (response.kind !== "hexagons") throw new Error("expected hexagons");
      expect(response.frame).toBe(frame.toISOString());
      return response.features.find((f) => f.id === latLngToCell(positions[0][0], positions[0][1], 4))?.properties;
    };
    expect(await at(older)).toMatchObject({ devices: 2, online: 1, value: 20, quality: 90 });
    expect(await at(newer)).toMatchObject({ devices: 1, online: 1, value: 50 });
    expect(await at(frames[0]!)).toBeUndefined();
  });
});
