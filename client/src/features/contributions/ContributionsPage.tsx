import { useApiQuery } from '../../api/useApiQuery.ts';
import { passageHref } from '../../editor/authorship/passageLink.ts';
import { Link } from '../../routes/Link.tsx';
import { Loading } from '../../ui/Loading.tsx';
import { PageHeading } from '../../ui/PageHeading.tsx';
import { ProblemPanel } from '../../ui/ProblemPanel.tsx';
import { useDocumentTitle } from '../../ui/useDocumentTitle.ts';
import { type DocumentInfo, getDocument } from '../documents/documentsApi.ts';
import {
  type ContributionReport,
  getReport,
  type PersonFigures,
  reportCsvHref,
} from './contributionsApi.ts';
import './contributions.css';

async function load(
  documentId: string,
): Promise<{ info: DocumentInfo; report: ContributionReport }> {
  const [info, report] = await Promise.all([getDocument(documentId), getReport(documentId)]);
  return { info, report };
}

export const words = (n: number) => `${n.toLocaleString('en-GB')} ${n === 1 ? 'word' : 'words'}`;

function percent(part: number, whole: number): string {
  if (whole === 0) return '0%';
  const value = (part * 100) / whole;
  // "less than 1%" rather than a misleading 0% for a short but real contribution.
  if (value > 0 && value < 1) return 'less than 1%';
  return `${Math.round(value)}%`;
}

/** The contribution report: who wrote, kept and removed how many words, in words too. */
export function ContributionsPage({ documentId }: { documentId: string }) {
  const { state } = useApiQuery(documentId, load);
  useDocumentTitle(
    state.status === 'ready'
      ? `Contributions to ${state.data.info.document.title}`
      : state.status === 'error'
        ? 'Contributions not available'
        : 'Loading contributions',
  );
  if (state.status === 'loading') return <Loading label="Loading the contributions…" />;
  if (state.status === 'error') {
    return (
      <>
        <PageHeading>Contributions not available</PageHeading>
        <ProblemPanel message={state.error.message} />
      </>
    );
  }
  const { info, report } = state.data;
  const { document } = info;
  return (
    <div className="report">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href={`/documents/${document.id}`}>Back to {document.title}</Link>
      </nav>
      <PageHeading>Contributions to {document.title}</PageHeading>
      <div className="report-note" role="note" aria-labelledby="report-note-heading">
        <h2 id="report-note-heading" className="report-note__heading">
          What these figures mean
        </h2>
        <p>{report.note}</p>
      </div>
      <Summary report={report} />
      <p className="report__actions">
        <a href={reportCsvHref(document.id)} download>
          Download as CSV
        </a>
        <span aria-hidden="true"> · </span>
        <Link href={`/documents/${document.id}/versions`}>Versions of this document</Link>
      </p>
      <PeopleTable report={report} />
      <RolesTable report={report} />
      <Passages documentId={document.id} report={report} />
    </div>
  );
}

function Summary({ report }: { report: ContributionReport }) {
  const total = report.totalWords;
  return (
    <section aria-labelledby="summary-heading" className="section report__summary">
      <h2 id="summary-heading">In summary</h2>
      <p>
        The document has {words(total)} now
        {report.templateWords > 0
          ? `, of which ${words(report.templateWords)} came from the template it started with`
          : ''}
        .
      </p>
      {report.people.length > 0 ? (
        <ul className="report__sentences">
          {report.people.map((person) => (
            <li key={person.accountId}>{describePerson(person, total)}</li>
          ))}
        </ul>
      ) : (
        <p>No one has written in this document yet.</p>
      )}
    </section>
  );
}

function describePerson(person: PersonFigures, total: number): string {
  const now =
    person.wordsInDocument > 0
      ? `${person.name} wrote ${percent(person.wordsInDocument, total)} of the words now in the document (${words(person.wordsInDocument)} of ${total.toLocaleString('en-GB')})`
      : `None of the words now in the document were written by ${person.name}`;
  const removed = person.wordsWritten - person.wordsInDocument;
  const history =
    person.wordsWritten > person.wordsInDocument
      ? `; they wrote ${words(person.wordsWritten)} in all, ${words(removed)} of which have since been removed`
      : '';
  const deleted = person.wordsDeleted > 0 ? `; they removed ${words(person.wordsDeleted)}` : '';
  const comments =
    person.commentsMade > 0
      ? `; they made ${person.commentsMade} ${person.commentsMade === 1 ? 'comment' : 'comments'}`
      : '';
  const accepted =
    person.suggestionsAccepted > 0
      ? `; ${person.suggestionsAccepted} of their suggested ${person.suggestionsAccepted === 1 ? 'edit was' : 'edits were'} accepted`
      : '';
  return `${now}${history}${deleted}${comments}${accepted}.`;
}

function deletedDetails(person: PersonFigures): string | null {
  if (person.deletedFrom.length === 0) return null;
  const parts = person.deletedFrom.map((d) =>
    d.accountId === person.accountId
      ? `${words(d.words)} of their own`
      : `${words(d.words)} by ${d.name}`,
  );
  return `deleted ${parts.join(', ')}`;
}

function PeopleTable({ report }: { report: ContributionReport }) {
  return (
    <section aria-labelledby="people-heading" className="section">
      <h2 id="people-heading">Contributions by person</h2>
      {report.people.length === 0 ? (
        <p>No one has written in this document yet.</p>
      ) : (
        <table className="data-table report-table" aria-labelledby="people-heading">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col" className="report-table__number">
                Words in the document now
              </th>
              <th scope="col" className="report-table__number">
                Words written in total
              </th>
              <th scope="col" className="report-table__number">
                Words deleted
              </th>
              <th scope="col" className="report-table__number">
                Comments made
              </th>
              <th scope="col" className="report-table__number">
                Suggestions accepted
              </th>
            </tr>
          </thead>
          <tbody>
            {report.people.map((person) => {
              const details = deletedDetails(person);
              return (
                <tr key={person.accountId}>
                  <th scope="row">{person.name}</th>
                  <td data-label="Role">{person.roleLabel}</td>
                  <td data-label="Words in the document now" className="report-table__number">
                    {person.wordsInDocument}
                  </td>
                  <td data-label="Words written in total" className="report-table__number">
                    {person.wordsWritten}
                  </td>
                  <td data-label="Words deleted" className="report-table__number">
                    {person.wordsDeleted}
                    {details ? <span className="report-table__detail">{details}</span> : null}
                  </td>
                  <td data-label="Comments made" className="report-table__number">
                    {person.commentsMade}
                  </td>
                  <td data-label="Suggestions accepted" className="report-table__number">
                    {person.suggestionsAccepted}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

function RolesTable({ report }: { report: ContributionReport }) {
  return (
    <section aria-labelledby="roles-heading" className="section">
      <h2 id="roles-heading">Contributions by role</h2>
      {report.roles.length === 0 ? (
        <p>No one has written in this document yet.</p>
      ) : (
        <table className="data-table report-table" aria-labelledby="roles-heading">
          <thead>
            <tr>
              <th scope="col">Role</th>
              <th scope="col" className="report-table__number">
                People
              </th>
              <th scope="col" className="report-table__number">
                Words in the document now
              </th>
              <th scope="col" className="report-table__number">
                Words written in total
              </th>
              <th scope="col" className="report-table__number">
                Words deleted
              </th>
              <th scope="col" className="report-table__number">
                Comments made
              </th>
              <th scope="col" className="report-table__number">
                Suggestions accepted
              </th>
            </tr>
          </thead>
          <tbody>
            {report.roles.map((role) => (
              <tr key={role.role}>
                <th scope="row">
                  {role.label}
                  <span className="report-table__detail">
                    {percent(role.wordsInDocument, report.totalWords)} of the words now in the
                    document
                  </span>
                </th>
                <td data-label="People" className="report-table__number">
                  {role.people}
                </td>
                <td data-label="Words in the document now" className="report-table__number">
                  {role.wordsInDocument}
                </td>
                <td data-label="Words written in total" className="report-table__number">
                  {role.wordsWritten}
                </td>
                <td data-label="Words deleted" className="report-table__number">
                  {role.wordsDeleted}
                </td>
                <td data-label="Comments made" className="report-table__number">
                  {role.commentsMade}
                </td>
                <td data-label="Suggestions accepted" className="report-table__number">
                  {role.suggestionsAccepted}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Passages({ documentId, report }: { documentId: string; report: ContributionReport }) {
  return (
    <section aria-labelledby="passages-heading" className="section">
      <h2 id="passages-heading">Words by patients and service users in this version</h2>
      {report.passages.length === 0 ? (
        <p>There are no words by patients or service users in the document now.</p>
      ) : (
        <>
          <p>Each passage links to where it is in the document.</p>
          <ul className="report-passages">
            {report.passages.map((passage) => (
              <li key={`${passage.clientId}.${passage.clock}`} className="report-passages__item">
                <Link href={passageHref(documentId, passage)} className="report-passages__text">
                  “{passage.text}”
                </Link>
                <span className="report-passages__by"> by {passage.name}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
