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

  it('draws a run chart as a Word chart of its values and median, described for screen readers', async () => {
    const file = await outlineToDocx('Plan', 'About', [
      {
        type: 'runChart',
        title: 'Missed appointments (%)',
        days: ['5 Jan 2026', '12 Jan 2026', '19 Jan 2026'],
        values: [10, 11, 12.5],
        median: 11,
        description: 'Run chart of Missed appointments (%): 3 points, median 11. No signals.',
      },
    ]);
    const zip = await JSZip.loadAsync(file);
    const chart = (await zip.file('word/charts/chart1.xml')?.async('string')) ?? '';
    expect(chart).toContain('<c:lineChart>');
    expect(chart).toContain('Median (11)');
    expect(chart).toContain('12 Jan 2026');
    expect(chart).toContain('<c:v>12.5</c:v>');
    const body = (await zip.file('word/document.xml')?.async('string')) ?? '';
    expect(body).toContain('descr="Run chart of Missed appointments (%): 3 points, median 11.');
  });
});
