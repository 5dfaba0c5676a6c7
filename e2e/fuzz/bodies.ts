import fc from "fast-check";
import type { JsonSchema } from "../openapi-ops";

/** Strings that break naive code: SQL, markup, control characters, huge, non-Latin. */
export const HOSTILE_STRINGS = [
  "'; DROP TABLE orders;--",
  "\" OR 1=1 --",
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "Nguyễn Thị Hương",
  "🎫🎉👩🏽‍💻",
  "nul\u0000byte",
  "\u202Eevil",
  "line\r\nInjected-Header: x",
  "${{7*7}}{{constructor.constructor('return 1')()}}",
  "../../etc/passwd",
  "x".repeat(10_000),
];

/** Every place a value can sit in a body: the root, each property, each array element (recursively). */
type Path = Array<string | number>;
function pathsOf(value: unknown, at: Path = []): Path[] {
  const out: Path[] = [at];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsOf(v, [...at, i])));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...at, k]));
  return out;
}

function setAt(root: unknown, path: Path, replace: (old: unknown) => unknown | typeof REMOVE): unknown {
  if (path.length === 0) {
    const v = replace(root);
    return v === REMOVE ? undefined : v;
  }
  const copy: any = Array.isArray(root) ? [...root] : { ...(root as object) };
  const [head, ...rest] = path;
  if (rest.length === 0) {
    const v = replace(copy[head]);
    if (v === REMOVE) {
      if (Array.isArray(copy)) copy.splice(head as number, 1);
      else delete copy[head];
    } else copy[head] = v;
    return copy;
  }
  copy[head] = setAt(copy[head], rest, replace);
  return copy;
}
const REMOVE = Symbol("remove");

/** A value of the wrong kind for what is there now. */
const wrongType = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.constantFrom(-1, 0, 2 ** 53, -(2 ** 31), 1e308, 0.5),
  fc.string({ maxLength: 20 }),
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);

/** Mutations of a valid body: one field removed, retyped, made hostile, or an extra field added. */
function mutated(base: unknown) {
  const paths = pathsOf(base);
  return fc
    .tuple(
      fc.constantFrom(...paths),
      fc.oneof(
        fc.constant<"remove">("remove"),
        wrongType.map((v) => ({ set: v })),
        fc.constantFrom(...HOSTILE_STRINGS).map((v) => ({ set: v })),
        fc.constant({ set: "y".repeat(70_000) }),
        fc.tuple(fc.constantFrom("__proto__", "constructor", "admin", "roles", "status", "id", "ownerId", "extra"), wrongType).map(([k, v]) => ({ extra: [k, v] as const })),
      ),
    )
    .map(([path, m]) => {
      if (m === "remove") return setAt(base, path, () => REMOVE);
      if ("set" in m) return setAt(base, path, () => m.set);
      return setAt(base, path, (old) => (old && typeof old === "object" && !Array.isArray(old) ? { ...old, [m.extra[0]]: m.extra[1] } : old));
    });
}

/** Values just outside each property's declared bounds (from the JSON schema). */
function outOfBounds(schema: JsonSchema | null, base: unknown) {
  const props = Object.entries(schema?.properties ?? {});
  if (!props.length || !base || typeof base !== "object") return null;
  const edge = (s: JsonSchema): unknown[] => {
    const out: unknown[] = [];
    if (s.maxLength !== undefined) out.push("z".repeat(s.maxLength + 1));
    if (s.minLength !== undefined && s.minLength > 0) out.push("z".repeat(s.minLength - 1), " ".repeat(s.minLength));
    if (s.maximum !== undefined) out.push(s.maximum + 1);
    if (s.minimum !== undefined) out.push(s.minimum - 1, s.minimum - 0.5);
    if (s.enum) out.push("not-one-of-them");
    if (s.format === "date-time") out.push("2030-13-45T99:99:99Z", "yesterday", "");
    if (s.format === "email") out.push("not-an-email", "a@", "@b.c");
    if (s.format === "uri") out.push("javascript:alert(1)", "not a url");
    if (s.maxItems !== undefined) out.push(Array.from({ length: s.maxItems + 1 }, () => (Array.isArray((base as any)[0]) ? (base as any)[0] : {})));
    if (s.minItems) out.push([]);
    return out;
  };
  const cases = props.flatMap(([key, s]) => edge(s).map((v) => ({ ...(base as object), [key]: v })));
  return cases.length ? fc.constantFrom(...cases) : null;
}

export type FuzzInput = { kind: string; body?: unknown; raw?: string };

/** Arbitrary and near-valid bodies for an operation: garbage JSON, raw non-JSON, mutations of a valid body, out-of-bounds values. */
export function bodyArbitrary(schema: JsonSchema | null, validBody: unknown): fc.Arbitrary<FuzzInput> {
  const arbs: Array<fc.Arbitrary<FuzzInput>> = [
    fc.jsonValue({ maxDepth: 3 }).map((body) => ({ kind: "arbitrary JSON", body })),
    fc.oneof(fc.string({ maxLength: 50 }), fc.constantFrom("{", "{\"a\":", "[1,", "null", "\u0000", "{}}", "NaN", "")).map((raw) => ({ kind: "not JSON", raw })),
    mutated(validBody).map((body) => ({ kind: "mutated", body })),
    mutated(validBody).map((body) => ({ kind: "mutated", body })),
  ];
  const bounds = outOfBounds(schema, validBody);
  if (bounds) arbs.push(bounds.map((body) => ({ kind: "out of bounds", body })));
  return fc.oneof(...arbs);
}
