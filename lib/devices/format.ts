/** "0x1234…abcd": enough to recognise an address without taking a line. */
export function shortAddress(address: string): string {
  return address.length > 12 ? `${address.slice(0, 6)}\u2026${address.slice(-4)}` : address;
}

/** The explorer page of a transaction, or null when no explorer is configured. */
export function explorerTxUrl(explorerUrl: string | undefined, hash: string): string | null {
  return explorerUrl ? `${explorerUrl.replace(/\/+$/, "")}/tx/${hash}` : null;
}

export function explorerAddressUrl(explorerUrl: string | undefined, address: string): string | null {
  return explorerUrl ? `${explorerUrl.replace(/\/+$/, "")}/address/${address}` : null;
}
