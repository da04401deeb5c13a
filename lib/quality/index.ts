/** Data quality: pure checks and scores over decoded readings (no I/O). docs/data-quality.md explains them to owners. */
export { checkBursts } from "./bursts";
export { checkClock } from "./clock";
export { DEFAULT_QUALITY_CONFIG, qualityConfig, type QualityConfig } from "./config";
export { CHECKS, type CheckName, type Finding, type Severity } from "./finding";
export { checkFrozenValues } from "./frozen";
export { checkLongGaps } from "./gaps";
export { checkImplausibleJumps } from "./jumps";
export { scoreDevice, scoreFleet, type CheckPenalty, type QualityScore, type QualityWindow } from "./score";
export { detectSharedPositions } from "./shared-positions";
export { checkImpossibleSpeed } from "./speed";
export { DEFAULT_STATUS_THRESHOLDS, deviceStatus, lastSeen, type DeviceStatus, type StatusThresholds } from "./status";
