import { describe, expect, it } from 'vitest';
import { colorForId, colorForSlot, personColors } from './colors.ts';

/** WCAG relative luminance of #rrggbb. */
function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

describe('person colours', () => {
  it('each keeps white label text at 4.5:1 or more', () => {
    for (const color of personColors) {
      const contrast = 1.05 / (luminance(color) + 0.05);
      expect(contrast, color).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('slots cycle through every colour, and any account id gets one of them', () => {
    const seen = new Set(personColors.map((_, slot) => colorForSlot(slot)));
    expect(seen.size).toBe(personColors.length);
    expect(colorForSlot(personColors.length + 1)).toBe(colorForSlot(1));
    expect(colorForSlot(-1)).toBe(colorForSlot(personColors.length - 1));
    expect(personColors).toContain(colorForId('u-anyone'));
  });
});
