import { describe, expect, it } from 'vitest';
import { createSuggestionSchema, PARAGRAPH_BREAK, quoteParagraphs } from './comment.ts';

const anchor = { start: 'AAEC', end: 'AAED' };
const messages = (input: unknown) => {
  const parsed = createSuggestionSchema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((i) => i.message);
};

describe('a suggested edit’s quote and words', () => {
  it('takes a quote spanning paragraphs, with a line feed at each paragraph break', () => {
    const quote = `at nine daily.${PARAGRAPH_BREAK}${PARAGRAPH_BREAK}Evening slots`;
    expect(createSuggestionSchema.parse({ anchor, quote, text: 'early' })).toMatchObject({
      quote,
      text: 'early',
      note: '',
    });
    // A paragraph break alone, replaced by nothing: joining two paragraphs.
    expect(createSuggestionSchema.parse({ anchor, quote: '\n', text: '' }).quote).toBe('\n');
  });

  it('refuses a paragraph break written with a carriage return, saying how to write it', () => {
    expect(messages({ anchor, quote: 'one\r\ntwo', text: 'x' })).toEqual([
      expect.stringMatching(/paragraph break as a line feed/),
    ]);
  });

  it('refuses new words with a line break: they replace the selection with one paragraph', () => {
    expect(messages({ anchor, quote: 'one\ntwo', text: 'one\ntwo three' })).toContainEqual(
      expect.stringMatching(/cannot contain a line break.*words of one paragraph/),
    );
  });

  it('splits a quote into its paragraphs to show each on its own line', () => {
    expect(quoteParagraphs('daily.\n\nEvening')).toEqual(['daily.', '', 'Evening']);
    expect(quoteParagraphs('one paragraph')).toEqual(['one paragraph']);
  });
});
