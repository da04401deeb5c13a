/** Number formatting for reasons: fixed locale so texts are identical on every server. */

const LOCALE = "en-US";

export function formatNumber(value: number, decimals = 0): string {
  return value.toLocaleString(LOCALE, { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** 850 m, 4.2 km, 41 km, 1,203 km */
export function formatDistance(meters: number): string {
  if (meters < 1_000) return `${formatNumber(meters)} m`;
  const km = meters / 1_000;
  return `${formatNumber(km, km < 10 ? 1 : 0)} km`;
}

/** 0.4 s, 30 s, 12 min, 2 h 5 min */
export function formatDuration(ms: number): string {
  const seconds = ms / 1_000;
  if (seconds < 1) return `${formatNumber(seconds, 1)} s`;
  if (seconds < 120) return `${formatNumber(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

/** 12:03:10 UTC — times in reasons are UTC; the UI may localise them. */
export function formatTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 19)} UTC`;
}

/** 0x1234…abcd */
export function shortAddress(address: string): string {
  return address.length > 12 ? `${address.slice(0, 6)}…${address.slice(-4)}` : address;
}
