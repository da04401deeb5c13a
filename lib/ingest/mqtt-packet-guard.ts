/**
 * Watches the raw bytes of one MQTT connection and reports, before the
 * broker buffers it, a packet whose declared Remaining Length exceeds the
 * limit or is not a valid variable byte integer. aedes (via mqtt-packet)
 * otherwise buffers up to 256 MiB per packet before any hook runs, so one
 * client could exhaust the broker's memory and stall every other device.
 *
 * Only fixed headers are decoded (type byte, then 1–4 length bytes, 7 bits
 * each with a continuation bit); packet bodies are skipped by counting.
 */
export type GuardVerdict = "ok" | "too_large" | "malformed";

export class MqttPacketGuard {
  /** Bytes of the current packet's body still to skip. */
  private remainingBody = 0;
  /** Decoding state of the current fixed header: null between packets. */
  private header: { length: number; multiplier: number; lengthBytes: number } | null = null;
  private verdict: GuardVerdict = "ok";

  constructor(readonly maxPacketBytes: number) {}

  /** Feeds the next chunk; once not "ok", stays so (the connection is to be closed). */
  feed(chunk: Uint8Array): GuardVerdict {
    let offset = 0;
    while (offset < chunk.length && this.verdict === "ok") {
      if (this.remainingBody > 0) {
        const skipped = Math.min(this.remainingBody, chunk.length - offset);
        this.remainingBody -= skipped;
        offset += skipped;
        continue;
      }
      const byte = chunk[offset++]!;
      if (this.header === null) {
        // The type byte; flags are the parser's business.
        this.header = { length: 0, multiplier: 1, lengthBytes: 0 };
        continue;
      }
      this.header.length += (byte & 0x7f) * this.header.multiplier;
      this.header.multiplier *= 128;
      this.header.lengthBytes++;
      if (byte & 0x80) {
        if (this.header.lengthBytes >= 4) this.verdict = "malformed";
        continue;
      }
      const length = this.header.length;
      this.header = null;
      if (length > this.maxPacketBytes) this.verdict = "too_large";
      else this.remainingBody = length;
    }
    return this.verdict;
  }
}
