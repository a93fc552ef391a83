import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { outlineToDocx } from './docx.ts';

describe('the Word file', () => {
  it('leaves out characters a Word file cannot hold, keeping the rest', async () => {
    const file = await outlineToDocx('Plan\uFFFF', 'About', [
      { type: 'paragraph', runs: [{ text: 'Kinder\u0001 letters\uFFFE \uD800now 🙂' }] },
      { type: 'table', header: ['A\u0007'], rows: [['b\uFFFF']] },
    ]);
    const xml =
      (await (await JSZip.loadAsync(file)).file('word/document.xml')?.async('string')) ?? '';
    expect(xml).toContain('Kinder letters now 🙂');
    expect(xml).toContain('>Plan<');
    for (const bad of ['\uFFFF', '\uFFFE', '\u0001', '\u0007', '\uD800']) {
      expect(xml.includes(bad)).toBe(false);
    }
  });
});
