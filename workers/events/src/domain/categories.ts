/** The fixed taxonomy of event categories: ids are slugs, names in Vietnamese and English. */
export const CATEGORIES = [
  { id: "music", name: { vi: "Âm nhạc", en: "Music" } },
  { id: "theatre", name: { vi: "Sân khấu", en: "Theatre" } },
  { id: "sports", name: { vi: "Thể thao", en: "Sports" } },
  { id: "conference", name: { vi: "Hội thảo", en: "Conference" } },
  { id: "festival", name: { vi: "Lễ hội", en: "Festival" } },
  { id: "comedy", name: { vi: "Hài kịch", en: "Comedy" } },
  { id: "family", name: { vi: "Gia đình", en: "Family" } },
  { id: "other", name: { vi: "Khác", en: "Other" } },
] as const;

export const CATEGORY_IDS = CATEGORIES.map((c) => c.id) as [CategoryId, ...CategoryId[]];
export type CategoryId = (typeof CATEGORIES)[number]["id"];
