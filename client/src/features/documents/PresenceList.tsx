import type { PresentPerson } from './usePresence.ts';

export function PresenceList({ people }: { people: PresentPerson[] }) {
  return (
    <div className="presence">
      <h2 id="presence-heading" className="presence__heading">
        People in this document
      </h2>
      {people.length === 0 ? (
        <p className="presence__empty">Nobody else yet.</p>
      ) : (
        <ul className="presence__list">
          {people.map((person) => (
            <li key={person.clientId} className="presence__person">
              <span
                className="presence__swatch"
                style={{ backgroundColor: person.color }}
                aria-hidden="true"
              />
              <span className="presence__who">
                <span className="presence__name">
                  {person.isYou ? `${person.name} (you)` : person.name}
                </span>
                {person.role ? (
                  <span className="presence__role">
                    <span className="visually-hidden">, </span>
                    {person.role}
                  </span>
                ) : null}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
