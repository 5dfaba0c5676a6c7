import { describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import openapiTS, { astToString } from "openapi-typescript";
import { Client } from "./client";

/** A client written against the generated types, as a dashboard or app would (by operationId). */
const CLIENT = `
import type { operations, paths } from "./api";

type CreateOrderBody = operations["createOrder"]["requestBody"]["content"]["application/json"];
type CreatedOrder = operations["createOrder"]["responses"][201]["content"]["application/json"];
type MyOrders = operations["listMyOrders"]["responses"][200]["content"]["application/json"];
type SalesReport = paths["/api/reports/events/{id}/sales"]["get"]["responses"][200]["content"]["application/json"];

export const body: CreateOrderBody = { eventId: "ev_1", items: [{ ticketTypeId: "tt_1", quantity: 2 }] };
export function paymentLink(created: CreatedOrder): string | null {
  return created.paymentUrl;
}
export function statuses(page: MyOrders): string[] {
  return page.items.map((order) => order.status);
}
export type Sales = SalesReport;
`;

function typeErrors(dir: string, files: Record<string, string>) {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const program = ts.createProgram([join(dir, "client.ts")], {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ["lib.es2022.d.ts"],
    types: [],
  });
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}

describe("TypeScript types generated from the merged OpenAPI document", () => {
  it("type-check a client that uses them by operationId, and catch a wrong one", async () => {
    const doc = (await new Client().get("/api/openapi.json")).json;
    const api = astToString(await openapiTS(doc));
    const dir = mkdtempSync(join(tmpdir(), "openapi-types-"));
    try {
      expect(typeErrors(dir, { "api.d.ts": api, "client.ts": CLIENT })).toEqual([]);
      // The same client with a quantity the API does not accept must not compile.
      const wrong = CLIENT.replace("quantity: 2", 'quantity: "2"');
      expect(typeErrors(dir, { "client.ts": wrong }).join("\n")).toMatch(/not assignable to type 'number'/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
