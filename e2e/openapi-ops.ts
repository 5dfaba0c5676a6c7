import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "./client";

// The merged OpenAPI document as a list of operations, shared by the authorization matrix
// (e2e/authz-matrix.test.ts) and the fuzzer (e2e/fuzz.test.ts): both iterate over what the
// gateway publishes, so a new route is covered (or flagged) without anyone listing it here.

export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  default?: unknown;
  additionalProperties?: boolean | JsonSchema;
};

export type Operation = {
  operationId: string;
  method: string;
  path: string;
  pathParams: string[];
  requiredHeaders: string[];
  /** The JSON request body schema with every $ref resolved, when the operation takes one. */
  bodySchema: JsonSchema | null;
};

type Doc = { paths: Record<string, Record<string, any>>; components?: { schemas?: Record<string, JsonSchema> } };

export async function loadOperations(): Promise<Operation[]> {
  const res = await new Client().get("/api/openapi.json");
  if (res.status !== 200) throw new Error(`GET /api/openapi.json → ${res.status}`);
  return operationsOf(res.json as Doc);
}

export function operationsOf(doc: Doc): Operation[] {
  const schemas = doc.components?.schemas ?? {};
  const resolve = (s: JsonSchema | undefined, depth = 0): JsonSchema | null => {
    if (!s) return null;
    if (depth > 20) return s;
    if (s.$ref) return resolve(schemas[s.$ref.replace("#/components/schemas/", "")], depth + 1);
    const out: JsonSchema = { ...s };
    if (s.properties) out.properties = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, resolve(v, depth + 1)!]));
    if (s.items) out.items = resolve(s.items, depth + 1)!;
    for (const k of ["anyOf", "oneOf", "allOf"] as const) if (s[k]) out[k] = s[k]!.map((v) => resolve(v, depth + 1)!);
    return out;
  };
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (!op || typeof op !== "object" || !("responses" in op)) continue;
      const params = (op.parameters ?? []) as Array<{ in: string; name: string; required?: boolean }>;
      ops.push({
        operationId: op.operationId ?? `${method} ${path}`,
        method: method.toUpperCase(),
        path,
        pathParams: [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]),
        requiredHeaders: params.filter((p) => p.in === "header" && p.required).map((p) => p.name.toLowerCase()),
        bodySchema: resolve(op.requestBody?.content?.["application/json"]?.schema),
      });
    }
  }
  return ops;
}

/** The smallest value that satisfies a schema (required properties only), for bodies nobody wrote by hand. */
export function minimalValue(schema: JsonSchema | null): unknown {
  if (!schema) return undefined;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return minimalValue(variants.find((v) => v.type !== "null") ?? variants[0]);
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((s) => minimalValue(s) as object));
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  switch (type) {
    case "object": {
      const out: Record<string, unknown> = {};
      for (const key of schema.required ?? []) out[key] = minimalValue(schema.properties?.[key] ?? null);
      return out;
    }
    case "array":
      return Array.from({ length: schema.minItems ?? 0 }, () => minimalValue(schema.items ?? null));
    case "integer":
    case "number":
      return Math.max(schema.minimum ?? 1, schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 1);
    case "boolean":
      return true;
    case "string":
      if (schema.format === "date-time") return new Date(Date.now() + 86_400_000).toISOString();
      if (schema.format === "email") return "someone@example.test";
      if (schema.format === "uri" || schema.format === "url") return "https://example.test/x";
      return "x".repeat(Math.max(schema.minLength ?? 1, 1));
    default:
      return null;
  }
}

/** Fills a path template (`/api/orders/{id}`) from a map of parameter values. */
export const fillPath = (path: string, values: Record<string, string>) =>
  path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    if (values[name] === undefined) throw new Error(`no value for path parameter {${name}} of ${path}`);
    return encodeURIComponent(values[name]);
  });

/**
 * Where the reliability suites leave their counts for `npm run test:faults` (scripts/faults.mjs
 * prints them in its summary table). Gitignored.
 */
export const RELIABILITY_DIR = join(__dirname, "..", ".tmp", "reliability");
export function writeReliabilityCounts(suite: string, counts: Record<string, unknown>) {
  mkdirSync(RELIABILITY_DIR, { recursive: true });
  writeFileSync(join(RELIABILITY_DIR, `${suite}.json`), `${JSON.stringify({ ...counts, at: new Date().toISOString() }, null, 2)}\n`);
}
