/**
 * A driver diagram (Model for Improvement): the aim, the primary drivers that most affect
 * it, the secondary drivers under each, and the change ideas to test under those. Kept as
 * nested elements (a tree, shown as nested lists and edited with buttons, never by
 * dragging), so two people adding branches at once both keep theirs.
 */
export const driverLevels = ['primaryDriver', 'secondaryDriver', 'changeIdea'] as const;
export type DriverLevel = (typeof driverLevels)[number];

export const driverLevelNames: Record<DriverLevel, { one: string; many: string }> = {
  primaryDriver: { one: 'primary driver', many: 'Primary drivers' },
  secondaryDriver: { one: 'secondary driver', many: 'Secondary drivers' },
  changeIdea: { one: 'change idea', many: 'Change ideas' },
};

/**
 * Each branch's words. The diagram's own attribute is `aim`, the same name (and meaning)
 * as a charter's, so it is listed once, with the charter's.
 */
export const driverAttributes = ['label'] as const;

export interface DriverBranch {
  label: string;
  children: DriverBranch[];
}

/** The diagram in words, e.g. "2 primary drivers, 3 secondary drivers and 5 change ideas." */
export function describeDriverDiagram(primaries: readonly DriverBranch[]): string {
  const secondaries = primaries.flatMap((p) => p.children);
  const ideas = secondaries.flatMap((s) => s.children);
  const count = (n: number, level: DriverLevel) =>
    `${n} ${driverLevelNames[level].one}${n === 1 ? '' : 's'}`;
  if (primaries.length === 0) return 'No drivers yet: start with a primary driver.';
  return `${count(primaries.length, 'primaryDriver')}, ${count(secondaries.length, 'secondaryDriver')} and ${count(ideas.length, 'changeIdea')}.`;
}
