import { expect, it } from 'vitest';
import { caretAfterTypedText } from './caretAfterTyping.ts';

const at = (position: number) => ({ from: position, to: position });

it('moves a caret the browser left before the typed text to after it', () => {
  // "C" typed at 707 in a new, empty paragraph; Chrome reported the caret at 707.
  expect(caretAfterTypedText(at(707), at(707), 'C', at(707), false)).toBe(708);
  expect(caretAfterTypedText(at(10), at(10), 'ab', at(10), false)).toBe(12);
});

it('keeps a caret the browser put after the text', () => {
  expect(caretAfterTypedText(at(707), at(707), 'C', at(708), false)).toBeNull();
});

it('leaves typing over a selection, text typed away from the caret, and composition alone', () => {
  // A selected word replaced by typing.
  expect(caretAfterTypedText({ from: 5, to: 9 }, { from: 5, to: 9 }, 'x', at(5), false)).toBeNull();
  // Text that arrived somewhere other than the caret (a drop, an autocorrection).
  expect(caretAfterTypedText(at(20), at(5), 'x', at(5), false)).toBeNull();
  // IME composition may place the caret inside the composed text.
  expect(caretAfterTypedText(at(5), at(5), 'かな', at(5), true)).toBeNull();
  expect(caretAfterTypedText(at(5), at(5), '', at(5), false)).toBeNull();
});
