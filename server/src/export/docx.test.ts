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
        signalPoints: [],
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

  it('marks the points of a signal with diamonds of their own, not colour alone', async () => {
    const chartOf = async (signalPoints: number[]) => {
      const file = await outlineToDocx('Plan', 'About', [
        {
          type: 'runChart',
          title: 'Calls answered',
          days: ['5 Jan', '12 Jan', '19 Jan', '26 Jan'],
          values: [10, 4, 5, 6],
          median: 5.5,
          signalPoints,
          description: 'A trend.',
        },
      ]);
      const zip = await JSZip.loadAsync(file);
      return (await zip.file('word/charts/chart1.xml')?.async('string')) ?? '';
    };
    const marked = await chartOf([1, 2, 3]);
    expect(marked).toContain('Part of a signal');
    expect(marked).toContain('<c:symbol val="diamond"/>');
    // The first point is not in the signal: a gap in that series, its value elsewhere.
    const series = marked.slice(marked.indexOf('Part of a signal'));
    expect(series).not.toContain('<c:v>10</c:v>');
    expect(series).toContain('<c:v>4</c:v>');
    const plain = await chartOf([]);
    expect(plain).not.toContain('Part of a signal');
  });
});
