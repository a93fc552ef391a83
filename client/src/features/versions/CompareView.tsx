import { safeColor, underlineFor, underlineLabels } from '../../editor/authorship/authorStyles.ts';
import type { AuthorPerson } from '../../editor/authorship/authorshipApi.ts';
import type { Comparison } from './versionsApi.ts';
import '../../editor/authorship/authorship.css';

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu;
const countWords = (text: string) => text.match(WORD)?.length ?? 0;

/**
 * Blocks and segments have no identity of their own in a comparison, and one answer is
 * rendered as a whole, so their place in it is their key.
 */
function keyedBlocks(comparison: Comparison) {
  return comparison.blocks.map((block, position) => ({
    id: `block-${position}`,
    block,
    segments: block.segments.map((segment, at) => ({ key: `${position}-${at}`, segment })),
  }));
}

/** A stable slot per author in order of appearance, for the underline style. */
function slotsOf(comparison: Comparison): Map<string, number> {
  const slots = new Map<string, number>();
  for (const block of comparison.blocks) {
    for (const segment of block.segments) {
      if (segment.change !== 'same' && segment.authorId && !slots.has(segment.authorId)) {
        slots.set(segment.authorId, slots.size);
      }
    }
  }
  return slots;
}

function nameOf(comparison: Comparison, authorId: string | null): string {
  if (!authorId) return 'the template';
  return comparison.people[authorId]?.name ?? 'a former member';
}

/**
 * The compared text: additions in <ins> and removals in <del> (announced as such by
 * screen readers, with who wrote them said in words too), coloured and underlined per
 * author exactly as in the live author view.
 */
export function CompareView({ comparison, title }: { comparison: Comparison; title: string }) {
  const slots = slotsOf(comparison);
  let added = 0;
  let removed = 0;
  for (const block of comparison.blocks) {
    for (const segment of block.segments) {
      if (segment.change === 'added') added += countWords(segment.text);
      if (segment.change === 'removed') removed += countWords(segment.text);
    }
  }
  const people = [...slots.keys()]
    .map((id) => comparison.people[id])
    .filter((person): person is AuthorPerson => person !== undefined);
  const styleFor = (authorId: string | null) => ({
    ['--author-color' as string]: safeColor(
      (authorId ? comparison.people[authorId]?.color : undefined) ?? '#4b5563',
    ),
  });
  const underline = (authorId: string | null) =>
    underlineFor(authorId ? (slots.get(authorId) ?? 0) : 0);

  return (
    <section className="compare-result" aria-labelledby="compare-heading">
      <h2 id="compare-heading" tabIndex={-1}>
        {title}
      </h2>
      <p className="compare-summary">
        {added === 0 && removed === 0
          ? 'No words were added or removed.'
          : `${added} ${added === 1 ? 'word' : 'words'} added, ${removed} ${removed === 1 ? 'word' : 'words'} removed. Added text is underlined in its author’s colour; removed text is struck through.`}
      </p>
      {people.length > 0 ? (
        <div className="author-legend">
          <div className="author-legend__group">
            <h3 className="author-legend__heading">Who wrote the changes</h3>
            <ul className="author-legend__list">
              {people.map((person) => {
                const style = underlineFor(slots.get(person.accountId) ?? 0);
                return (
                  <li key={person.accountId} className="author-legend__item">
                    <span
                      aria-hidden="true"
                      className="author-legend__swatch"
                      style={{ backgroundColor: safeColor(person.color) }}
                    />
                    <span
                      aria-hidden="true"
                      className={`author-legend__sample author-run author-run--${style}`}
                      style={styleFor(person.accountId)}
                    >
                      Abc
                    </span>
                    <span>
                      {person.name}{' '}
                      <span className="author-legend__role">({person.roleLabel})</span>
                      <span className="visually-hidden">
                        , additions shown with a {underlineLabels[style]}
                      </span>
                    </span>
                  </li>
                );
              })}
            </ul>
          </div>
        </div>
      ) : null}
      <div className="compare-blocks">
        {keyedBlocks(comparison).map(({ id, block, segments }) => (
          <p
            key={id}
            className={`compare-block compare-block--${block.type === 'heading' ? 'heading' : 'text'}`}
          >
            {segments.map(({ key, segment }) => {
              if (segment.change === 'added') {
                return (
                  <ins
                    key={key}
                    className={`author-run author-run--${underline(segment.authorId)}`}
                    style={styleFor(segment.authorId)}
                  >
                    <span className="visually-hidden">
                      [added by {nameOf(comparison, segment.authorId)}:]{' '}
                    </span>
                    {segment.text}
                  </ins>
                );
              }
              if (segment.change === 'removed') {
                return (
                  <del key={key} className="change-removed" style={styleFor(segment.authorId)}>
                    <span className="visually-hidden">
                      [removed, written by {nameOf(comparison, segment.authorId)}:]{' '}
                    </span>
                    {segment.text}
                  </del>
                );
              }
              return <span key={key}>{segment.text}</span>;
            })}
            {block.segments.length === 0 ? <br /> : null}
          </p>
        ))}
      </div>
    </section>
  );
}
