/** OpenAPI 3.1 description of the buyer-facing feed API (served at /api/v1/openapi.json). */
export function feedOpenApi(serverUrl: string) {
  const orderId = { name: "orderId", in: "path", required: true, description: "Marketplace order id (decimal).", schema: { type: "string", pattern: "^\\d{1,20}$" } };
  const cursor = { name: "cursor", in: "query", required: false, description: "nextCursor of the previous page; omit for the first page.", schema: { type: "string" } };
  const errors = {
    "400": { description: "Malformed order id, cursor or limit.", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
    "401": { description: "Missing, unknown, revoked or expired API key.", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
    "403": { description: "The key belongs to another order.", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
    "409": { description: "The order expired or was refunded.", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
    "429": { description: "The key's rate limit (5 requests/s, bursts of 50) is spent; see Retry-After.", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
  };
  return {
    openapi: "3.1.0",
    info: {
      title: "DePIN Hub feed API",
      version: "1.0.0",
      description:
        "Readings of a purchased data feed. Create a key for your order on /market/dashboard; it is shown once, works only for that order and expires with it.",
    },
    servers: [{ url: serverUrl }],
    security: [{ apiKey: [] }],
    paths: {
      "/api/v1/feeds/{orderId}/readings": {
        get: {
          summary: "Readings of the order's devices, oldest first, one page at a time",
          parameters: [orderId, cursor, { name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: 1000, default: 100 } }],
          responses: {
            "200": { description: "A page of readings.", content: { "application/json": { schema: { $ref: "#/components/schemas/ReadingPage" } } } },
            ...errors,
          },
        },
      },
      "/api/v1/feeds/{orderId}/stream": {
        get: {
          summary: "Live readings as server-sent events (event `reading`, id = resumable cursor)",
          description: "Starts at the newest reading, or after `cursor` / the Last-Event-ID header. Streams end after 10 minutes; reconnect with Last-Event-ID.",
          parameters: [orderId, cursor],
          responses: { "200": { description: "text/event-stream of `reading` events (data: a Reading).", content: { "text/event-stream": { schema: { type: "string" } } } }, ...errors },
        },
      },
      "/api/v1/feeds/{orderId}/export": {
        get: {
          summary: "Up to 10,000 readings as CSV; the next cursor is in X-Next-Cursor",
          parameters: [orderId, cursor],
          responses: {
            "200": {
              description: "CSV with columns device, sequence, measured_at, received_at, cell and one per listed metric.",
              headers: { "X-Next-Cursor": { description: "Present when more readings follow.", schema: { type: "string" } } },
              content: { "text/csv": { schema: { type: "string" } } },
            },
            ...errors,
          },
        },
      },
    },
    components: {
      securitySchemes: { apiKey: { type: "http", scheme: "bearer", description: "Authorization: Bearer dhk_… (or the X-API-Key header)." } },
      schemas: {
        Reading: {
          type: "object",
          required: ["device", "sequence", "measuredAt", "receivedAt", "cell", "values"],
          properties: {
            device: { type: "string", description: "Checksummed device address." },
            sequence: { type: "string", description: "The device's message sequence number (uint64, decimal)." },
            measuredAt: { type: "string", format: "date-time", description: "Device clock." },
            receivedAt: { type: "string", format: "date-time", description: "Server clock." },
            cell: { type: ["string", "null"], description: "H3 cell (resolution 7) of the reading's position." },
            values: { type: "object", additionalProperties: { type: "number" }, description: "The listing's metrics in physical units (pm25 µg/m³, temperature °C, …)." },
          },
        },
        ReadingPage: {
          type: "object",
          required: ["orderId", "readings", "nextCursor"],
          properties: {
            orderId: { type: "string" },
            readings: { type: "array", items: { $ref: "#/components/schemas/Reading" } },
            nextCursor: { type: ["string", "null"], description: "Null when this page reached the newest reading." },
          },
        },
        Error: {
          type: "object",
          required: ["error"],
          properties: { error: { type: "object", required: ["code", "message"], properties: { code: { type: "string" }, message: { type: "string" } } } },
        },
      },
    },
  } as const;
}
