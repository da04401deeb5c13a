/**
 * Response shapes of /api/map/*, for client components. Type-only re-exports:
 * erased at build time, so no server-only module reaches the browser bundle.
 */
export type { CellDetail, DeviceDetail, SeriesPoint } from "./detail";
export type { HexAggregate, HexFeature } from "./hexagons";
export type { MyMapDevices } from "./mine";
export type { MapDevice } from "./privacy";
export type { ViewportResponse } from "./viewport";
export type { WantedFeature } from "./wanted";
