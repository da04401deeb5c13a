import "server-only";
import { hexToBytes, type Hex } from "viem";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * A device model from its bytes32: projects encode names like "AQ-Tracker v2"
 * right-padded with zero bytes. Anything that is not printable UTF-8 stays hex,
 * so no model is ever lost or garbled.
 */
export function decodeModel(model: Hex): string {
  const bytes = hexToBytes(model);
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end -= 1;
  if (end === 0) return "";
  try {
    const text = utf8.decode(bytes.subarray(0, end));
    // Control characters (including inner NULs) mean this was not meant as text.
    return /^[^\p{Cc}]+$/u.test(text) ? text : model;
  } catch {
    return model;
  }
}
