import { createVersionSchema } from '@chorus/shared';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ApiError } from '../../api/http.ts';
import { useApiQuery } from '../../api/useApiQuery.ts';
import { Link } from '../../routes/Link.tsx';
import { navigate } from '../../routes/navigation.ts';
import { Button } from '../../ui/Button.tsx';
import { ConfirmAction } from '../../ui/ConfirmAction.tsx';
import { type FieldErrors, fromApiError, validate } from '../../ui/formErrors.ts';
import { Loading } from '../../ui/Loading.tsx';
import { PageHeading } from '../../ui/PageHeading.tsx';
import { ProblemPanel } from '../../ui/ProblemPanel.tsx';
import { SelectField } from '../../ui/SelectField.tsx';
import { TextField } from '../../ui/TextField.tsx';
import { useDocumentTitle } from '../../ui/useDocumentTitle.ts';
import { type DocumentInfo, getDocument } from '../documents/documentsApi.ts';
import { CompareView } from './CompareView.tsx';
import {
  type Comparison,
  compareVersions,
  listVersions,
  restoreVersion,
  saveVersion,
  type Version,
} from './versionsApi.ts';
import '../contributions/contributions.css';

const CURRENT = 'current';

async function load(documentId: string): Promise<{ info: DocumentInfo; versions: Version[] }> {
  const [info, versions] = await Promise.all([getDocument(documentId), listVersions(documentId)]);
  return { info, versions };
}

const whenFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });

export function versionTitle(version: Version): string {
  if (version.kind === 'backup') return 'Backup before restore';
  return version.label ?? 'Automatic version';
}

function versionMeta(version: Version): string {
  const when = whenFormat.format(new Date(version.createdAt));
  const who = version.createdByName ? `Saved by ${version.createdByName}` : 'Saved automatically';
  return `${who} on ${when}`;
}

/** Versions of a document: save, compare (by author) and restore. Viewing never edits. */
export function VersionsPage({ documentId }: { documentId: string }) {
  const { state, setData } = useApiQuery(documentId, load);
  useDocumentTitle(
    state.status === 'ready'
      ? `Versions of ${state.data.info.document.title}`
      : state.status === 'error'
        ? 'Versions not available'
        : 'Loading versions',
  );
  if (state.status === 'loading') return <Loading label="Loading the versions…" />;
  if (state.status === 'error') {
    return (
      <>
        <PageHeading>Versions not available</PageHeading>
        <ProblemPanel message={state.error.message} />
      </>
    );
  }
  const { info, versions } = state.data;
  return (
    <VersionsView
      info={info}
      versions={versions}
      onVersions={(next) => setData({ info, versions: next })}
    />
  );
}

interface Compared {
  from: string;
  to: string;
  comparison: Comparison;
}

function VersionsView({
  info,
  versions,
  onVersions,
}: {
  info: DocumentInfo;
  versions: Version[];
  onVersions: (versions: Version[]) => void;
}) {
  const { document } = info;
  const [compared, setCompared] = useState<Compared | null>(null);
  const [comparing, setComparing] = useState(false);
  const [compareProblem, setCompareProblem] = useState<string | null>(null);
  const resultRef = useRef<HTMLDivElement>(null);

  const labelOf = (id: string) => {
    if (id === CURRENT) return 'the current document';
    const version = versions.find((v) => v.id === id);
    return version ? `“${versionTitle(version)}”` : 'that version';
  };

  const compare = async (from: string, to: string) => {
    setComparing(true);
    setCompareProblem(null);
    try {
      const comparison = await compareVersions(document.id, from, to);
      setCompared({ from, to, comparison });
    } catch (error) {
      setCompareProblem(error instanceof ApiError ? error.message : 'The comparison failed.');
    } finally {
      setComparing(false);
    }
  };

  useEffect(() => {
    // Take people to the result they asked for; its heading says what was compared.
    if (compared) resultRef.current?.querySelector<HTMLElement>('h2')?.focus();
  }, [compared]);

  const restore = async (version: Version) => {
    await restoreVersion(document.id, version.id);
    navigate(`/documents/${document.id}`);
  };

  return (
    <div className="versions">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href={`/documents/${document.id}`}>Back to {document.title}</Link>
      </nav>
      <PageHeading>Versions of {document.title}</PageHeading>
      <p className="lede">
        Looking at or comparing versions never changes the document.{' '}
        <Link href={`/documents/${document.id}/contributions`}>See contributions</Link>
      </p>
      {info.canEdit ? (
        <SaveVersionForm documentId={document.id} onSaved={(v) => onVersions([v, ...versions])} />
      ) : null}
      <CompareForm versions={versions} busy={comparing} onCompare={compare} />
      {compareProblem ? (
        <p className="inline-alert" role="alert">
          {compareProblem}
        </p>
      ) : null}
      <div ref={resultRef}>
        {compared ? (
          <CompareView
            comparison={compared.comparison}
            title={`Changes from ${labelOf(compared.from)} to ${labelOf(compared.to)}`}
          />
        ) : null}
      </div>
      <section aria-labelledby="versions-heading" className="section">
        <h2 id="versions-heading">Saved versions</h2>
        {versions.length === 0 ? (
          <p>
            There are no versions yet. Chorus saves one automatically every few minutes while people
            edit.
          </p>
        ) : (
          <ul className="version-list">
            {versions.map((version) => (
              <li key={version.id} className="version" aria-labelledby={`version-${version.id}`}>
                <h3 id={`version-${version.id}`} className="version__title">
                  {versionTitle(version)}
                </h3>
                <p className="version__meta">
                  {version.kind === 'backup' && version.label ? `${version.label}. ` : null}
                  {versionMeta(version)}
                </p>
                <div className="version__actions">
                  <Button
                    variant="secondary"
                    busy={comparing}
                    aria-describedby={`version-${version.id}`}
                    onClick={() => compare(version.id, CURRENT)}
                  >
                    Compare with current
                  </Button>
                  {info.canEdit ? (
                    <ConfirmAction
                      className="restore-explainer"
                      trigger="Restore this version"
                      question={`Restore “${versionTitle(version)}”? A backup of the current document will be saved first. Everyone sees the change at once.`}
                      confirmLabel="Yes, restore this version"
                      onConfirm={() => restore(version)}
                    />
                  ) : null}
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function SaveVersionForm({
  documentId,
  onSaved,
}: {
  documentId: string;
  onSaved: (version: Version) => void;
}) {
  const [label, setLabel] = useState('');
  const [errors, setErrors] = useState<FieldErrors<'label'>>({});
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    const checked = validate(createVersionSchema, { label });
    if (!checked.ok) {
      setErrors(checked.errors);
      setStatus('');
      return;
    }
    setBusy(true);
    setStatus('Saving the version…');
    try {
      const version = await saveVersion(documentId, checked.data.label);
      setErrors({});
      setLabel('');
      onSaved(version);
      setStatus(`Saved “${versionTitle(version)}”.`);
    } catch (error) {
      const { message, errors: apiErrors } = fromApiError(error, ['label'] as const);
      setErrors(apiErrors.label ? apiErrors : { label: message });
      setStatus('The version was not saved.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="save-version-heading" className="section panel">
      <h2 id="save-version-heading">Save a version</h2>
      <form onSubmit={onSubmit} noValidate>
        <TextField
          label="Version name"
          hint="For example “Agreed at workshop 3”. Everyone in the workspace can see it."
          autoComplete="off"
          value={label}
          onChange={(next) => {
            setLabel(next);
            setStatus('');
          }}
          error={errors.label}
        />
        <Button type="submit" busy={busy}>
          Save version
        </Button>
        <p role="status" className="rename__status">
          {status}
        </p>
      </form>
    </section>
  );
}

function CompareForm({
  versions,
  busy,
  onCompare,
}: {
  versions: Version[];
  busy: boolean;
  onCompare: (from: string, to: string) => void;
}) {
  const options = [
    { value: CURRENT, label: 'Current document' },
    ...versions.map((v) => ({
      value: v.id,
      label: `${versionTitle(v)} (${whenFormat.format(new Date(v.createdAt))})`,
    })),
  ];
  const [from, setFrom] = useState(versions[0]?.id ?? CURRENT);
  const [to, setTo] = useState(CURRENT);
  if (versions.length === 0) return null;
  return (
    <section aria-labelledby="compare-form-heading" className="section">
      <h2 id="compare-form-heading">Compare two versions</h2>
      <form
        className="compare-form"
        onSubmit={(event) => {
          event.preventDefault();
          if (!busy) onCompare(from, to);
        }}
      >
        <SelectField label="From" value={from} onChange={setFrom} options={options} />
        <SelectField label="To" value={to} onChange={setTo} options={options} />
        <Button type="submit" variant="secondary" busy={busy}>
          Compare
        </Button>
      </form>
    </section>
  );
}
