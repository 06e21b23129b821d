/** Data classification levels, from least to most sensitive. */
export const LEVELS = ["public", "confidential", "restricted", "highly_restricted"] as const;
export type Level = (typeof LEVELS)[number];

export function isLevel(value: string): value is Level {
  return (LEVELS as readonly string[]).includes(value);
}

/** The two analyst-facing views of a table. */
export type Tier = "non_pii" | "pii";
export const TIERS: readonly Tier[] = ["non_pii", "pii"];

/** Which levels each tier exposes. `highly_restricted` is in neither. */
const EXPOSED: Record<Tier, readonly Level[]> = {
  non_pii: ["public", "confidential"],
  pii: ["public", "confidential", "restricted"],
};

export function isExposed(level: Level, tier: Tier): boolean {
  return EXPOSED[tier].includes(level);
}
