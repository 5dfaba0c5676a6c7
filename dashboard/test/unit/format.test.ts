import { describe, expect, it } from "vitest";
import { formatDateTime, formatVnd, fromLocalInput, toLocalInput } from "../../src/components/format";

describe("formatting", () => {
  it("formats integer VND without decimals in both languages", () => {
    expect(formatVnd(1_500_000, "vi-VN").replace(/\s/g, " ")).toBe("1.500.000 ₫");
    expect(formatVnd(1_500_000, "en-GB")).toMatch(/1,500,000/);
  });

  it("shows times in the event's zone (Asia/Ho_Chi_Minh by default)", () => {
    const iso = "2030-06-01T12:00:00.000Z";
    expect(formatDateTime(iso, "en-GB", undefined, "short")).toMatch(/19:00/);
    expect(formatDateTime(iso, "en-GB", "Asia/Tokyo", "short")).toMatch(/21:00/);
  });

  it("converts datetime-local values in the event's zone to UTC and back", () => {
    expect(fromLocalInput("2030-06-01T19:00")).toBe("2030-06-01T12:00:00.000Z");
    expect(toLocalInput("2030-06-01T12:00:00.000Z")).toBe("2030-06-01T19:00");
    expect(fromLocalInput("2030-01-15T09:30", "Europe/Paris")).toBe("2030-01-15T08:30:00.000Z");
  });
});
