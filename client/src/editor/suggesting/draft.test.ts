import { describe, expect, it } from 'vitest';
import {
  backspace,
  backspaceAcross,
  type Draft,
  endComposition,
  forwardDelete,
  forwardDeleteAcross,
  mapComposition,
  mapDraft,
  pastedWords,
  startComposition,
  typedWords,
  typeWords,
  withoutLastCharacter,
} from './draft.ts';

// "The letter came late", positions 1..21 as in a paragraph at the document's start.
const paragraph = { start: 1, end: 21 };
const widthBefore = (pos: number) => (pos > paragraph.start ? 1 : 0);
const widthAfter = (pos: number) => (pos < paragraph.end ? 1 : 0);
const at = (pos: number) => ({ from: pos, to: pos });

describe('a suggestion typed in suggesting mode', () => {
  it('typing at a caret starts words to add; more typing adds to them', () => {
    const first = typeWords(null, at(11), ' first');
    expect(first).toEqual({ draft: { from: 11, to: 11, text: ' first' } });
    expect(typeWords(first.draft, at(11), ' class')).toEqual({
      draft: { from: 11, to: 11, text: ' first class' },
    });
  });

  it('typing over a selection suggests replacing the selected words', () => {
    expect(typeWords(null, { from: 5, to: 11 }, 'note')).toEqual({
      draft: { from: 5, to: 11, text: 'note' },
    });
  });

  it('Backspace takes back typed words first, then strikes out the words before', () => {
    let draft: Draft | null = { from: 11, to: 11, text: 'ab' };
    draft = backspace(draft, at(11), widthBefore).draft;
    expect(draft).toEqual({ from: 11, to: 11, text: 'a' });
    draft = backspace(draft, at(11), widthBefore).draft;
    // Nothing typed and nothing struck out: nothing to suggest.
    expect(draft).toBeNull();
    draft = backspace(draft, at(11), widthBefore).draft;
    expect(draft).toEqual({ from: 10, to: 11, text: '' });
    draft = backspace(draft, at(11), widthBefore).draft;
    expect(draft).toEqual({ from: 9, to: 11, text: '' });
  });

  it('Backspace over a selection strikes it out; Delete strikes out the character after', () => {
    expect(backspace(null, { from: 5, to: 11 }, widthBefore)).toEqual({
      draft: { from: 5, to: 11, text: '' },
    });
    expect(forwardDelete(null, at(5), widthAfter)).toEqual({
      draft: { from: 5, to: 6, text: '' },
    });
    expect(forwardDelete({ from: 5, to: 6, text: 'x' }, at(6), widthAfter)).toEqual({
      draft: { from: 5, to: 7, text: 'x' },
    });
  });

  it('stops at the paragraph’s edges and says so, keeping the draft', () => {
    const draft = { from: 1, to: 3, text: 'A' };
    expect(backspace({ ...draft, text: '' }, at(3), widthBefore)).toEqual({
      edge: 'start',
      draft: { ...draft, text: '' },
    });
    expect(forwardDelete({ from: 19, to: 21, text: '' }, at(21), widthAfter)).toEqual({
      edge: 'end',
      draft: { from: 19, to: 21, text: '' },
    });
  });

  it('takes back a whole emoji or accented letter at once', () => {
    expect(withoutLastCharacter('café 👍🏽')).toBe('café ');
    expect(withoutLastCharacter('cafe\u0301')).toBe('caf');
    expect(withoutLastCharacter('')).toBe('');
  });

  it('pasted lines become words of one paragraph, without invisible characters', () => {
    expect(pastedWords('one\r\n  two\nthree ')).toBe('one two three');
    expect(pastedWords('Res\u202Eults')).toBe('Results');
    // Typed, a space is a word's edge, kept.
    expect(typedWords(' ')).toBe(' ');
    expect(typedWords('a\u200Bb')).toBe('ab');
  });

  it('follows the document as others type: words added before or after stay outside', () => {
    // Someone types three characters at position 5 (the draft's start) and at 11 (its end).
    const insertAt = (where: number, n: number) => (pos: number, assoc: -1 | 1) =>
      pos > where || (pos === where && assoc === 1) ? pos + n : pos;
    expect(mapDraft({ from: 5, to: 11, text: 'x' }, insertAt(5, 3))).toEqual({
      from: 8,
      to: 14,
      text: 'x',
    });
    expect(mapDraft({ from: 5, to: 11, text: 'x' }, insertAt(11, 3))).toEqual({
      from: 5,
      to: 11,
      text: 'x',
    });
    // Words to add stay after the character they follow.
    expect(mapDraft({ from: 11, to: 11, text: 'x' }, insertAt(11, 3))).toEqual({
      from: 11,
      to: 11,
      text: 'x',
    });
    // Its words deleted by someone: it becomes words to add where they were.
    const deleted = (pos: number) => (pos >= 5 && pos <= 11 ? 5 : pos > 11 ? pos - 6 : pos);
    expect(mapDraft({ from: 5, to: 11, text: 'x' }, deleted)).toEqual({
      from: 5,
      to: 5,
      text: 'x',
    });
  });

  it('a draft continuing one’s own suggestion starts as it, grows like any draft, and stays (to withdraw it) when nothing is left', () => {
    const revises = {
      id: 't1',
      was: { anchor: { start: 'AQ==', end: 'AQ==' }, quote: '', text: ' by' },
    };
    // The suggestion added “ by” at 11; typing at its place adds to its words.
    let draft: Draft | null = { from: 11, to: 11, text: ' by', revises };
    draft = typeWords(draft, at(11), ' phone').draft;
    expect(draft).toEqual({ from: 11, to: 11, text: ' by phone', revises });
    // Taken back to nothing: kept, so sending it withdraws the suggestion.
    for (let i = 0; i < ' by phone'.length; i++)
      draft = backspace(draft, at(11), widthBefore).draft;
    expect(draft).toEqual({ from: 11, to: 11, text: '', revises });
    // One more Backspace strikes out the character before, as for any draft.
    expect(backspace(draft, at(11), widthBefore).draft).toEqual({
      from: 10,
      to: 11,
      text: '',
      revises,
    });
    // Across a paragraph break too (Backspace at a paragraph's start, Delete at its end).
    const joined = (pos: number) => (pos === 11 ? 2 : 0);
    const none = () => 0;
    expect(
      backspaceAcross({ from: 11, to: 11, text: '', revises }, at(11), none, joined).draft,
    ).toEqual({ from: 9, to: 11, text: '', revises });
    expect(
      forwardDeleteAcross({ from: 11, to: 11, text: ' by', revises }, at(11), none, joined).draft,
    ).toEqual({ from: 11, to: 13, text: ' by', revises });
    // Others' edits move it and it keeps what it revises.
    expect(mapDraft({ from: 5, to: 11, text: 'x', revises }, (pos) => pos + 3)).toEqual({
      from: 8,
      to: 14,
      text: 'x',
      revises,
    });
  });

  describe('across paragraph breaks', () => {
    // A second paragraph, "Text reminders", at 23..37: its break from the first is the two
    // positions 21..23 (the first's end, the second's start).
    const second = { start: 23, end: 37 };
    const widthBefore2 = (pos: number) =>
      pos > second.start || (pos > paragraph.start && pos <= paragraph.end) ? 1 : 0;
    const widthAfter2 = (pos: number) =>
      pos < paragraph.end || (pos >= second.start && pos < second.end) ? 1 : 0;
    const breakBefore = (pos: number) => (pos === second.start ? 2 : 0);
    const breakAfter = (pos: number) => (pos === paragraph.end ? 2 : 0);

    it('Backspace at a paragraph’s start strikes out the break: a suggestion to join them', () => {
      const joined = backspaceAcross(null, at(23), widthBefore2, breakBefore);
      expect(joined).toEqual({ draft: { from: 21, to: 23, text: '' } });
      // Again: the last character of the paragraph before joins the stretch.
      expect(backspaceAcross(joined.draft, at(23), widthBefore2, breakBefore)).toEqual({
        draft: { from: 20, to: 23, text: '' },
      });
    });

    it('Delete at a paragraph’s end strikes out the break after it, then the words after', () => {
      const joined = forwardDeleteAcross(null, at(21), widthAfter2, breakAfter);
      expect(joined).toEqual({ draft: { from: 21, to: 23, text: '' } });
      expect(forwardDeleteAcross(joined.draft, at(23), widthAfter2, breakAfter)).toEqual({
        draft: { from: 21, to: 24, text: '' },
      });
    });

    it('typed words are taken back before any break is struck out', () => {
      const draft = { from: 23, to: 23, text: 'a' };
      expect(backspaceAcross(draft, at(23), widthBefore2, breakBefore)).toEqual({ draft: null });
    });

    it('where paragraphs may not be joined (the document’s start, a table), it says which edge', () => {
      expect(backspaceAcross(null, at(1), widthBefore2, () => 0)).toEqual({
        edge: 'start',
        draft: null,
      });
      expect(forwardDeleteAcross(null, at(37), widthAfter2, () => 0)).toEqual({
        edge: 'end',
        draft: null,
      });
    });

    it('a selection across paragraphs is a draft like any other: typed over, or struck out', () => {
      expect(typeWords(null, { from: 15, to: 30 }, 'soon')).toEqual({
        draft: { from: 15, to: 30, text: 'soon' },
      });
      expect(backspaceAcross(null, { from: 15, to: 30 }, widthBefore2, breakBefore)).toEqual({
        draft: { from: 15, to: 30, text: '' },
      });
    });
  });
});

describe('words from an input method (a composition) in suggesting mode', () => {
  it('at a caret, the composed words become words to add there once it ends', () => {
    const start = startComposition(null, at(11), null);
    expect(start).toEqual({ draft: null, composition: { at: 11, text: '', before: null } });
    expect(endComposition(start.draft, start.composition, '日本語')).toEqual({
      draft: { from: 11, to: 11, text: '日本語' },
    });
  });

  it('after words being typed, it continues them (a phone keyboard composes word by word)', () => {
    const typing: Draft = { from: 11, to: 11, text: 'first ' };
    const start = startComposition(typing, at(11), typing);
    expect(start.draft).toBe(typing);
    expect(start.composition.at).toBe(11);
    const ended = endComposition(start.draft, start.composition, 'class');
    expect(ended).toEqual({ draft: { from: 11, to: 11, text: 'first class' } });
    // The next word composes after it in the same way.
    const next = startComposition(ended.draft, at(11), ended.draft);
    expect(endComposition(next.draft, next.composition, ' post').draft?.text).toBe(
      'first class post',
    );
  });

  it('over a selection, it strikes the selected words out and goes after them', () => {
    const start = startComposition(null, { from: 5, to: 11 }, null);
    expect(start).toEqual({
      draft: { from: 5, to: 11, text: '' },
      composition: { at: 11, text: '', before: null },
    });
    expect(endComposition(start.draft, start.composition, '手紙')).toEqual({
      draft: { from: 5, to: 11, text: '手紙' },
    });
  });

  it('cancelled (it ends with nothing), it leaves the draft as it was before it began', () => {
    const fresh = startComposition(null, at(11), null);
    expect(endComposition(fresh.draft, fresh.composition, '')).toEqual({ draft: null });
    const selected = startComposition(null, { from: 5, to: 11 }, null);
    expect(endComposition(selected.draft, selected.composition, '')).toEqual({ draft: null });
    const typing: Draft = { from: 11, to: 11, text: 'first' };
    const more = startComposition(typing, at(11), typing);
    expect(endComposition(more.draft, more.composition, '')).toEqual({ draft: typing });
  });

  it('continues one’s own sent suggestion; cancelled, that suggestion is left alone', () => {
    const own: Draft = {
      from: 11,
      to: 11,
      text: 'first',
      revises: { id: 't1', was: { anchor: { start: 'a', end: 'a' }, quote: '', text: 'first' } },
    };
    const start = startComposition(own, at(11), null);
    expect(endComposition(start.draft, start.composition, ' class').draft).toEqual({
      ...own,
      text: 'first class',
    });
    expect(endComposition(start.draft, start.composition, '')).toEqual({ draft: null });
  });

  it('its words are typed words: line breaks become spaces, invisible characters go', () => {
    const start = startComposition(null, at(11), null);
    expect(endComposition(null, start.composition, 'a\u200bb\nc').draft?.text).toBe('ab c');
    // Only invisible characters: nothing is left, as if cancelled.
    expect(endComposition(null, start.composition, '\u200b')).toEqual({ draft: null });
  });

  it('follows others’ edits before its place, and stays after words typed at it', () => {
    const typing: Draft = { from: 5, to: 11, text: 'x' };
    const { composition } = startComposition(typing, at(11), typing);
    // Someone types three characters at the start of the paragraph, and two at its place.
    const map = (pos: number, assoc: -1 | 1) =>
      pos < 3 ? pos : pos + 3 + (pos === 11 && assoc > 0 ? 2 : 0);
    expect(mapComposition(composition, map)).toEqual({
      at: 14,
      text: '',
      before: { from: 8, to: 14, text: 'x' },
    });
  });
});
