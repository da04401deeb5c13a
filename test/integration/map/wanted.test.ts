import { cellToParent, latLngToCell } from "h3-js";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createDbClient } from "../../../lib/db/create-client";
import { WANTED_RESOLUTION, wantedCells } from "../../../lib/map/wanted";
import { createRequest } from "../../../lib/market/requests";

const db = createDbClient(inject("databaseUrl"));
const BUYER = "0x00000000000000000000000000000000000000B7";
const inAWeek = () => new Date(Date.now() + 7 * 86_400_000);

afterAll(async () => {
  await db.$disconnect();
});

describe("demand layer: where data is wanted", () => {
  it("folds open requests into hexagons with request counts and budget shares, public fields only", async () => {
    // Far from other tests' requests: two neighbouring res-7 cells in one res-5 parent.
    const a = latLngToCell(-45.0312, 168.6626, 7);
    const b = latLngToCell(-45.0412, 168.6726, 7);
    const parent = cellToParent(a, WANTED_RESOLUTION);
    expect(cellToParent(b, WANTED_RESOLUTION)).toBe(parent);
    const request = (cells: string[], metric: string, budget: bigint) =>
      createRequest(db, BUYER, { title: "Air in Queenstown", metric, cells, deviceCount: 2, durationDays: 30, budget, expiresAt: inAWeek() });
    await request([a, b], "pm25", 1_000n);
    await request([a], "temperature", 500n);
    const closed = await request([a], "humidity", 7_000n);
    await db.marketRequest.update({ where: { id: closed.id }, data: { status: "CLOSED" } });
    const expired = await request([b], "light", 9_000n);
    await db.marketRequest.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 1000) } });

    const features = await wantedCells(db);
    const hexagon = features.find((feature) => feature.id === parent);
    expect(hexagon?.properties).toEqual({ cell: parent, requests: 2, budget: "1500", metrics: ["pm25", "temperature"] });
    expect(hexagon?.geometry.coordinates[0]).toHaveLength(7);
    const text = JSON.stringify(features).toLowerCase();
    expect(text).not.toContain(BUYER.toLowerCase());
    expect(text).not.toContain("queenstown");
  });
});
