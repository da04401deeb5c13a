import { describe, expect, it } from "vitest";
import { DEFAULT_STATE, mapStateQuery, parseMapState } from "./map-state";

describe("map URL state", () => {
  it("round-trips through the query string", () => {
    const state = { ...DEFAULT_STATE, lat: 52.52, lon: 13.405, zoom: 11.5, metric: "temperature" as const, window: "7d" as const, mode: "heatmap" as const, project: "demo", selection: "h:872a1072bffffff", earn: true, wanted: true, frame: "2026-11-25T10:00:00.000Z" };
    expect(parseMapState(new URLSearchParams(mapStateQuery(state)))).toEqual(state);
  });

  it("falls back to defaults for malformed values", () => {
    const parsed = parseMapState(new URLSearchParams("lat=999&lon=abc&z=-3&metric=secret&window=1y&project=Bad%20Slug&sel=d:nope&t=yesterday"));
    expect(parsed).toEqual(DEFAULT_STATE);
  });
});
