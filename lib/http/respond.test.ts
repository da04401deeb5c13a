import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { DomainError, UnauthorizedError } from "./errors";
import { handle, parseJsonBody } from "./handler";
import { errorResponse } from "./respond";

describe("errorResponse", () => {
  it("maps zod errors to 400 with field issues", async () => {
    const result = z.object({ message: z.string() }).safeParse({ message: 1 });
    const response = errorResponse(result.error);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; issues: Array<{ path: string }> } };
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.issues[0]?.path).toBe("message");
  });

  it("maps a DomainError to its status and code", async () => {
    const response = errorResponse(new UnauthorizedError());
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: { code: "unauthorized", message: "Sign in with your wallet to continue." } });
  });

  it("hides unknown errors behind a generic 500 and logs them", async () => {
    const log = vi.fn();
    const response = errorResponse(new Error("password=hunter2 at db.internal:5432"), log);
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("at ");
    expect(log).toHaveBeenCalledOnce();
  });
});

describe("handle", () => {
  it("passes responses through and converts thrown errors", async () => {
    const ok = handle(async () => Response.json({ fine: true }));
    expect((await ok()).status).toBe(200);
    const failing = handle(async () => {
      throw new DomainError("teapot", "I'm a teapot", 418);
    });
    expect((await failing()).status).toBe(418);
  });

  it("parseJsonBody rejects malformed JSON with invalid_json", async () => {
    const route = handle(async (request: Request) => Response.json(await parseJsonBody(request, z.object({ a: z.number() }))));
    const bad = await route(new Request("http://x/", { method: "POST", body: "{not json" }));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("invalid_json");
    const invalid = await route(new Request("http://x/", { method: "POST", body: JSON.stringify({ a: "1" }) }));
    expect(((await invalid.json()) as { error: { code: string } }).error.code).toBe("invalid_request");
  });
});
