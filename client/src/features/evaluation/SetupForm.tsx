import {
  type CriterionScale,
  criterionGroups,
  criterionScaleLabels,
  criterionScales,
  type EvaluationMethod,
  type EvaluationSetupInput,
  evaluationMethod,
  evaluationMethodLabels,
  evaluationMethods,
  evaluationSetupInputSchema,
  formatPrice,
  linesTotal,
  type PanelRole,
  panelRoleLabels,
  panelRoles,
  type ScoringRole,
  scaleDescriptors,
  scoringGroupLabels,
  scoringPanelRoles,
  toPenny,
} from '@chorus/shared';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../../api/http.ts';
import { Button } from '../../ui/Button.tsx';
import { FormError } from '../../ui/FormError.tsx';
import { RadioGroup } from '../../ui/RadioGroup.tsx';
import { SelectField } from '../../ui/SelectField.tsx';
import { TextAreaField } from '../../ui/TextAreaField.tsx';
import { TextField } from '../../ui/TextField.tsx';
import type { EvaluationView } from './evaluationApi.ts';

interface CriterionDraft {
  key: number;
  /** The saved criterion's id, kept through saves; undefined for a new one. */
  id?: string;
  title: string;
  section: string;
  /** Who scores it (for price: who sees it and the prices). */
  scoredBy: ScoringRole[];
  scale: CriterionScale;
  weight: string;
  threshold: string;
  /** The panel's own descriptor of each level, or null for the standard ones. */
  descriptors: string[] | null;
}

type PanelChoice = PanelRole | 'none';

interface LotDraft {
  key: number;
  id?: string;
  name: string;
}

interface BidDraft {
  key: number;
  id?: string;
  bidder: string;
  price: string;
  /** The draft key of its lot (lots may be renamed or not yet saved); null for none. */
  lotKey: number | null;
  /** With price lines: the typed unit price of each, by the line's draft key. */
  linePrices: Record<number, string>;
}

interface PriceLineDraft {
  key: number;
  id?: string;
  name: string;
  quantity: string;
}

/** A typed price in pounds ("£1,250,000" or "98500.50"); what is not a number stays NaN. */
function parsePrice(text: string): number | null {
  const plain = text.replace(/[£,\s]/g, '');
  return plain === '' ? null : Number(plain);
}

/** A typed quantity ("12,000"); nothing, or what is not a number, stays NaN. */
function parseQuantity(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text.replace(/[,\s]/g, ''));
}

/** The input id of a field, from its path in the set-up (e.g. criteria.0.title). */
const fieldId = (path: string) => `setup-${path.replaceAll('.', '-')}`;

let nextKey = 0;

/**
 * Criteria, bids and panel, edited together and saved as one set-up. It stays editable
 * until the chair starts scoring, when the server fixes it (criteria and weights must not
 * move once anyone has scored).
 */
export function SetupForm({
  view,
  onSave,
}: {
  view: EvaluationView;
  onSave: (input: EvaluationSetupInput) => Promise<void>;
}) {
  const { setup, panel } = view.evaluation;
  const [criteria, setCriteria] = useState<CriterionDraft[]>(() =>
    setup.criteria.map((c) => ({
      key: nextKey++,
      id: c.id,
      title: c.title,
      section: c.section ?? '',
      scoredBy: [...criterionGroups(c)],
      scale: c.scale,
      weight: String(c.weight),
      threshold: c.threshold === null ? '' : String(c.threshold),
      descriptors: c.descriptors ? [...c.descriptors] : null,
    })),
  );
  const [method, setMethod] = useState<EvaluationMethod>(evaluationMethod(setup));
  const [anonymous, setAnonymous] = useState(setup.anonymous === true);
  const [lots, setLots] = useState<LotDraft[]>(() =>
    (setup.lots ?? []).map((l) => ({ key: nextKey++, id: l.id, name: l.name })),
  );
  const [priceLines, setPriceLines] = useState<PriceLineDraft[]>(() =>
    (setup.priceLines ?? []).map((l) => ({
      key: nextKey++,
      id: l.id,
      name: l.name,
      quantity: String(l.quantity),
    })),
  );
  const [bids, setBids] = useState(() =>
    setup.bids.map(
      (b): BidDraft => ({
        key: nextKey++,
        id: b.id,
        bidder: b.bidder,
        // With price lines the total is worked out, so only the lines are typed.
        price: b.price == null || setup.priceLines?.length ? '' : String(b.price),
        lotKey: lots.find((l) => l.id === b.lotId)?.key ?? null,
        linePrices: Object.fromEntries(
          priceLines.flatMap((line) => {
            const unit = line.id === undefined ? undefined : b.linePrices?.[line.id];
            return unit === undefined ? [] : [[line.key, String(unit)]];
          }),
        ),
      }),
    ),
  );
  const [roles, setRoles] = useState<Record<string, PanelChoice>>(() =>
    Object.fromEntries(panel.map((m) => [m.userId, m.panelRole])),
  );
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);

  const scoredTotal = criteria
    .filter((c) => c.scale !== 'pass_fail')
    .reduce((sum, c) => sum + (Number.parseInt(c.weight, 10) || 0), 0);

  const toInput = () => ({
    method,
    anonymous,
    lots: lots.map((l) => ({ id: l.id, name: l.name })),
    criteria: criteria.map((c) => ({
      id: c.id,
      title: c.title,
      section: c.section,
      scoredBy: c.scoredBy,
      scale: c.scale,
      // Typed text stays in the form; the schema says what is wrong with it.
      weight: c.weight.trim() === '' ? Number.NaN : Number(c.weight),
      threshold: c.threshold.trim() === '' ? null : Number(c.threshold),
      descriptors: c.descriptors,
    })),
    priceLines: priceLines.map((l) => ({
      id: l.id,
      name: l.name,
      quantity: parseQuantity(l.quantity),
    })),
    bids: bids.map((b) => {
      const lot = lots.findIndex((l) => l.key === b.lotKey);
      return {
        id: b.id,
        bidder: b.bidder,
        price: priceLines.length > 0 ? null : parsePrice(b.price),
        linePrices:
          priceLines.length > 0
            ? priceLines.map((l) => parsePrice(b.linePrices[l.key] ?? ''))
            : null,
        lot: lot < 0 ? null : lot,
      };
    }),
    panel: Object.entries(roles).flatMap(([userId, panelRole]) =>
      panelRole === 'none' ? [] : [{ userId, panelRole }],
    ),
  });

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    setSaved(false);
    const parsed = evaluationSetupInputSchema.safeParse(toInput());
    if (!parsed.success) {
      const errors: Record<string, string> = {};
      for (const issue of parsed.error.issues) errors[issue.path.join('.')] ??= issue.message;
      setFieldErrors(errors);
      setMessage(null);
      return;
    }
    setBusy(true);
    try {
      await onSave(parsed.data);
      setFieldErrors({});
      setMessage(null);
      setSaved(true);
    } catch (error) {
      setFieldErrors(error instanceof ApiError ? error.fields : {});
      setMessage(error instanceof Error ? error.message : 'Saving failed. Try again.');
    } finally {
      setBusy(false);
    }
  };

  const summary = Object.entries(fieldErrors)
    .filter(([path]) => path !== '_')
    .map(([path, text]) => ({ inputId: fieldId(path), message: text }));
  const updateCriterion = (key: number, change: Partial<CriterionDraft>) =>
    setCriteria((list) => list.map((c) => (c.key === key ? { ...c, ...change } : c)));
  // Saved panel members who can no longer open the document are listed too, so they can
  // be taken off the panel (the server refuses a panel with them on it).
  const people = [
    ...view.candidates.map((c) => ({ ...c, gone: false })),
    ...panel
      .filter((m) => !view.candidates.some((c) => c.userId === m.userId))
      .map((m) => ({ userId: m.userId, name: m.name, gone: true })),
  ];
  const panelOptions: { value: PanelChoice; label: string }[] = [
    { value: 'none', label: 'Not on the panel' },
    ...panelRoles.map((r) => ({ value: r, label: panelRoleLabels[r] })),
  ];

  return (
    <form className="stack" onSubmit={onSubmit} noValidate aria-label="Set up the evaluation">
      <FormError
        message={message ?? fieldErrors._ ?? null}
        fieldErrors={summary}
        headingLevel={3}
      />
      <RadioGroup
        legend="How the result is reached (published to bidders)"
        name="evaluation-method"
        id={fieldId('method')}
        options={evaluationMethods.map((m) => ({ value: m, label: evaluationMethodLabels[m] }))}
        value={method}
        onChange={setMethod}
        error={fieldErrors.method}
      />
      <div className="checkbox">
        <input
          id={fieldId('anonymous')}
          type="checkbox"
          aria-describedby={`${fieldId('anonymous')}-hint`}
          checked={anonymous}
          onChange={(event) => setAnonymous(event.target.checked)}
        />
        <label htmlFor={fieldId('anonymous')}>The panel scores without the bidders’ names</label>
      </div>
      <p className="field__hint" id={`${fieldId('anonymous')}-hint`}>
        The panel then sees “Bid A”, “Bid B” and so on until the chair reveals the names (after
        scoring quality, say); everyone then declares their interests again, with the names. The
        bids’ own documents must not name the bidder either.
      </p>
      <fieldset className="evaluation-fieldset">
        <legend>
          <h3>Criteria</h3>
        </legend>
        <p className="field__hint">
          Scored criteria share 100% of the total between them. A pass or fail criterion carries no
          weight: a bid that fails it is not ranked. A price criterion is scored from each bid’s
          price: the lowest scores its full weight, the others the lowest price as a share of their
          own. So far the weights add up to <strong>{scoredTotal}%</strong>. Each criterion is
          scored only by the panel groups you tick; the others do not see it, nor its scores (lay
          evaluators usually score quality and patient experience; price is usually seen by finance
          evaluators only).
        </p>
        {criteria.length === 0 ? <p>No criteria yet.</p> : null}
        <ol className="evaluation-list">
          {criteria.map((c, i) => (
            <li key={c.key} className="evaluation-list__item">
              <TextField
                id={fieldId(`criteria.${i}.title`)}
                label={`Criterion ${i + 1}: title`}
                value={c.title}
                onChange={(title) => updateCriterion(c.key, { title })}
                error={fieldErrors[`criteria.${i}.title`]}
              />
              <TextField
                id={fieldId(`criteria.${i}.section`)}
                label={`Criterion ${i + 1}: section (optional)`}
                hint="For example Quality, Patient experience or Social value."
                value={c.section}
                onChange={(section) => updateCriterion(c.key, { section })}
                error={fieldErrors[`criteria.${i}.section`]}
              />
              <SelectField
                id={fieldId(`criteria.${i}.scale`)}
                label={`Criterion ${i + 1}: how it is scored`}
                value={c.scale}
                onChange={(scale) =>
                  updateCriterion(c.key, {
                    scale,
                    ...(scale === 'pass_fail' ? { weight: '0' } : {}),
                    // Another scale has other levels: start again from its standard wording.
                    ...(c.descriptors ? { descriptors: [...scaleDescriptors(scale)] } : {}),
                    // Price has no levels and no minimum, and is usually for finance only.
                    ...(scale === 'price'
                      ? {
                          descriptors: null,
                          threshold: '',
                          scoredBy: ['finance_evaluator' as const],
                        }
                      : {}),
                  })
                }
                options={criterionScales.map((s) => ({ value: s, label: criterionScaleLabels[s] }))}
                error={fieldErrors[`criteria.${i}.scale`]}
              />
              <TextField
                id={fieldId(`criteria.${i}.weight`)}
                label={`Criterion ${i + 1}: weight, per cent`}
                inputMode="numeric"
                className="field--short"
                value={c.weight}
                onChange={(weight) => updateCriterion(c.key, { weight })}
                error={fieldErrors[`criteria.${i}.weight`]}
              />
              <ScoringGroups
                index={i}
                price={c.scale === 'price'}
                groups={c.scoredBy}
                error={fieldErrors[`criteria.${i}.scoredBy`]}
                onChange={(scoredBy) => updateCriterion(c.key, { scoredBy })}
              />
              {c.scale === 'price' ? null : (
                <>
                  <TextField
                    id={fieldId(`criteria.${i}.threshold`)}
                    label={`Criterion ${i + 1}: minimum acceptable score (optional)`}
                    hint="A bid whose average score is below it is not ranked."
                    inputMode="numeric"
                    className="field--short"
                    value={c.threshold}
                    onChange={(threshold) => updateCriterion(c.key, { threshold })}
                    error={fieldErrors[`criteria.${i}.threshold`]}
                  />
                  <OwnDescriptors
                    index={i}
                    scale={c.scale}
                    descriptors={c.descriptors}
                    errors={fieldErrors}
                    onChange={(descriptors) => updateCriterion(c.key, { descriptors })}
                  />
                </>
              )}
              <Button
                variant="quiet"
                onClick={() => setCriteria((list) => list.filter((x) => x.key !== c.key))}
              >
                Remove criterion {i + 1}
              </Button>
            </li>
          ))}
        </ol>
        <Button
          variant="secondary"
          onClick={() =>
            setCriteria((list) => [
              ...list,
              {
                key: nextKey++,
                title: '',
                section: '',
                scoredBy: [...scoringPanelRoles],
                scale: '0-4',
                weight: '',
                threshold: '',
                descriptors: null,
              },
            ])
          }
        >
          Add a criterion
        </Button>
      </fieldset>

      <fieldset className="evaluation-fieldset">
        <legend>
          <h3>Lots</h3>
        </legend>
        <p className="field__hint">
          If the contract is bid for in parts (for example by area), add a lot for each. Every lot
          is scored against the same criteria and ranked on its own. Without lots, all bids compete
          with each other.
        </p>
        {lots.length === 0 ? <p>No lots: one contract.</p> : null}
        <ol className="evaluation-list">
          {lots.map((l, i) => (
            <li key={l.key} className="evaluation-list__item">
              <TextField
                id={fieldId(`lots.${i}.name`)}
                label={`Lot ${i + 1}: name`}
                value={l.name}
                onChange={(name) =>
                  setLots((list) => list.map((x) => (x.key === l.key ? { ...x, name } : x)))
                }
                error={fieldErrors[`lots.${i}.name`]}
              />
              <Button
                variant="quiet"
                onClick={() => {
                  setLots((list) => list.filter((x) => x.key !== l.key));
                  // Its bids now need another lot: the set-up's problems will say so.
                  setBids((list) =>
                    list.map((b) => (b.lotKey === l.key ? { ...b, lotKey: null } : b)),
                  );
                }}
              >
                Remove lot {i + 1}
              </Button>
            </li>
          ))}
        </ol>
        {fieldErrors.lots ? (
          <p className="field__error" role="alert">
            {fieldErrors.lots}
          </p>
        ) : null}
        <Button
          variant="secondary"
          onClick={() => setLots((list) => [...list, { key: nextKey++, name: '' }])}
        >
          Add a lot
        </Button>
      </fieldset>

      <fieldset className="evaluation-fieldset">
        <legend>
          <h3>Price lines</h3>
        </legend>
        <p className="field__hint">
          For a price made of several parts (a year’s service, the set-up, a cost per appointment),
          list them here with the quantity each is evaluated on (1 for a part priced once). Each bid
          then prices every line, and its total, which the price criterion scores, is each line’s
          price times its quantity, added up. Without lines, each bid has one total price.
        </p>
        {priceLines.length === 0 ? <p>No price lines: each bid has one total price.</p> : null}
        <ol className="evaluation-list">
          {priceLines.map((l, i) => (
            <li key={l.key} className="evaluation-list__item">
              <TextField
                id={fieldId(`priceLines.${i}.name`)}
                label={`Price line ${i + 1}: what is priced`}
                value={l.name}
                onChange={(name) =>
                  setPriceLines((list) => list.map((x) => (x.key === l.key ? { ...x, name } : x)))
                }
                error={fieldErrors[`priceLines.${i}.name`]}
              />
              <TextField
                id={fieldId(`priceLines.${i}.quantity`)}
                label={`Price line ${i + 1}: quantity evaluated`}
                hint="1 for a part priced once; otherwise the expected number, such as 12000."
                inputMode="decimal"
                className="field--short"
                value={l.quantity}
                onChange={(quantity) =>
                  setPriceLines((list) =>
                    list.map((x) => (x.key === l.key ? { ...x, quantity } : x)),
                  )
                }
                error={fieldErrors[`priceLines.${i}.quantity`]}
              />
              <Button
                variant="quiet"
                onClick={() => setPriceLines((list) => list.filter((x) => x.key !== l.key))}
              >
                Remove price line {i + 1}
              </Button>
            </li>
          ))}
        </ol>
        {fieldErrors.priceLines ? (
          <p className="field__error" role="alert">
            {fieldErrors.priceLines}
          </p>
        ) : null}
        <Button
          variant="secondary"
          onClick={() =>
            setPriceLines((list) => [...list, { key: nextKey++, name: '', quantity: '1' }])
          }
        >
          Add a price line
        </Button>
      </fieldset>

      <fieldset className="evaluation-fieldset">
        <legend>
          <h3>Bids</h3>
        </legend>
        {bids.length === 0 ? <p>No bids yet.</p> : null}
        <ol className="evaluation-list">
          {bids.map((b, i) => (
            <li key={b.key} className="evaluation-list__item">
              <TextField
                id={fieldId(`bids.${i}.bidder`)}
                label={`Bid ${i + 1}: bidder`}
                value={b.bidder}
                onChange={(bidder) =>
                  setBids((list) => list.map((x) => (x.key === b.key ? { ...x, bidder } : x)))
                }
                error={fieldErrors[`bids.${i}.bidder`]}
              />
              {lots.length > 0 ? (
                <SelectField
                  id={fieldId(`bids.${i}.lot`)}
                  label={`Bid ${i + 1}: lot`}
                  value={b.lotKey === null ? '' : String(b.lotKey)}
                  placeholder="Choose the lot"
                  onChange={(value) =>
                    setBids((list) =>
                      list.map((x) =>
                        x.key === b.key ? { ...x, lotKey: value === '' ? null : Number(value) } : x,
                      ),
                    )
                  }
                  options={lots.map((l, n) => ({
                    value: String(l.key),
                    label: l.name.trim() || `Lot ${n + 1}`,
                  }))}
                  error={fieldErrors[`bids.${i}.lot`]}
                />
              ) : null}
              {priceLines.length === 0 ? (
                <TextField
                  id={fieldId(`bids.${i}.price`)}
                  label={`Bid ${i + 1}: total price in pounds (for a price criterion)`}
                  hint="Only the groups who see the price criterion see it."
                  inputMode="decimal"
                  className="field--short"
                  value={b.price}
                  onChange={(price) =>
                    setBids((list) => list.map((x) => (x.key === b.key ? { ...x, price } : x)))
                  }
                  error={fieldErrors[`bids.${i}.price`]}
                />
              ) : (
                <BidLinePrices
                  index={i}
                  bid={b}
                  lines={priceLines}
                  errors={fieldErrors}
                  onChange={(linePrices) =>
                    setBids((list) => list.map((x) => (x.key === b.key ? { ...x, linePrices } : x)))
                  }
                />
              )}
              <Button
                variant="quiet"
                onClick={() => setBids((list) => list.filter((x) => x.key !== b.key))}
              >
                Remove bid {i + 1}
              </Button>
            </li>
          ))}
        </ol>
        <Button
          variant="secondary"
          onClick={() =>
            setBids((list) => [
              ...list,
              // A new bid starts in the last lot, where bids are usually entered lot by lot.
              {
                key: nextKey++,
                bidder: '',
                price: '',
                lotKey: lots.at(-1)?.key ?? null,
                linePrices: {},
              },
            ])
          }
        >
          Add a bid
        </Button>
      </fieldset>

      <fieldset className="evaluation-fieldset" id={fieldId('panel')} tabIndex={-1}>
        <legend>
          <h3>Panel</h3>
        </legend>
        <p className="field__hint">
          Evaluators, lay evaluators and finance evaluators score alone. The chair starts scoring
          and opens moderation but does not score. Only the panel and the document’s owners can open
          this page.
        </p>
        {people.map((person) => (
          <SelectField
            key={person.userId}
            label={`Panel role for ${person.name}${person.gone ? ' (can no longer open this document: choose “Not on the panel”)' : ''}`}
            value={roles[person.userId] ?? 'none'}
            onChange={(role) => setRoles((r) => ({ ...r, [person.userId]: role }))}
            options={panelOptions}
          />
        ))}
      </fieldset>

      <div className="button-row">
        <Button type="submit" busy={busy}>
          Save the set-up
        </Button>
        <p role="status" className="evaluation-saved">
          {saved ? 'Set-up saved.' : ''}
        </p>
      </div>
    </form>
  );
}

/** Which panel groups score a criterion (for price: see it and the prices), as checkboxes. */
function ScoringGroups({
  index,
  price,
  groups,
  error,
  onChange,
}: {
  index: number;
  price: boolean;
  groups: ScoringRole[];
  error: string | undefined;
  onChange: (groups: ScoringRole[]) => void;
}) {
  const id = fieldId(`criteria.${index}.scoredBy`);
  return (
    <fieldset
      className={['field', 'checkboxes', error ? 'field--error' : null].filter(Boolean).join(' ')}
      aria-describedby={error ? `${id}-error` : undefined}
    >
      <legend className="field__label">
        Criterion {index + 1}: {price ? 'who sees it and the prices' : 'who scores it'}
      </legend>
      {error ? (
        <p className="field__error" id={`${id}-error`}>
          <span className="visually-hidden">Error: </span>
          {error}
        </p>
      ) : null}
      {scoringPanelRoles.map((g, n) => (
        <div className="checkbox" key={g}>
          <input
            // The first box carries the field's id, so the error summary can focus it.
            id={n === 0 ? id : `${id}-${g}`}
            type="checkbox"
            checked={groups.includes(g)}
            onChange={(event) =>
              onChange(
                event.target.checked
                  ? scoringPanelRoles.filter((x) => x === g || groups.includes(x))
                  : groups.filter((x) => x !== g),
              )
            }
          />
          <label htmlFor={n === 0 ? id : `${id}-${g}`}>{scoringGroupLabels[g]}</label>
        </div>
      ))}
    </fieldset>
  );
}

/**
 * A criterion's written descriptor for each level: the standard wording, or the panel's
 * own (ticked), each level a field of its own prefilled with the standard wording.
 */
function OwnDescriptors({
  index,
  scale,
  descriptors,
  errors,
  onChange,
}: {
  index: number;
  scale: CriterionScale;
  descriptors: string[] | null;
  errors: Record<string, string>;
  onChange: (descriptors: string[] | null) => void;
}) {
  const n = index + 1;
  const standard = scaleDescriptors(scale);
  const own = fieldId(`criteria.${index}.descriptors`);
  return (
    <div className="evaluation-descriptors">
      <div className="checkbox">
        <input
          id={own}
          type="checkbox"
          checked={descriptors !== null}
          onChange={(event) => onChange(event.target.checked ? [...standard] : null)}
        />
        <label htmlFor={own}>Criterion {n}: describe each level in our own words</label>
      </div>
      {errors[`criteria.${index}.descriptors`] ? (
        <p className="field__error" role="alert">
          {errors[`criteria.${index}.descriptors`]}
        </p>
      ) : null}
      {descriptors === null ? (
        <p className="field__hint">
          Standard wording: {standard.map((d, level) => `${level}: ${d}`).join('; ')}.
        </p>
      ) : (
        standard.map((_, level) => (
          <TextAreaField
            // biome-ignore lint/suspicious/noArrayIndexKey: levels are fixed positions
            key={level}
            id={fieldId(`criteria.${index}.descriptors.${level}`)}
            label={`Criterion ${n}, level ${scale === 'pass_fail' ? (level === 0 ? 'fail' : 'pass') : level}: what it means`}
            rows={2}
            value={descriptors[level] ?? ''}
            onChange={(text) =>
              onChange(standard.map((d, i) => (i === level ? text : (descriptors[i] ?? d))))
            }
            error={errors[`criteria.${index}.descriptors.${level}`]}
          />
        ))
      )}
    </div>
  );
}

/**
 * A bid's unit price for each price line, and its total worked out as the server will
 * (each line's price times its quantity, added up), said as the prices are typed.
 */
function BidLinePrices({
  index,
  bid,
  lines,
  errors,
  onChange,
}: {
  index: number;
  bid: BidDraft;
  lines: readonly PriceLineDraft[];
  errors: Record<string, string>;
  onChange: (linePrices: Record<number, string>) => void;
}) {
  const schedule = lines.map((l, n) => ({
    id: String(l.key),
    name: l.name.trim() || `Line ${n + 1}`,
    quantity: parseQuantity(l.quantity),
  }));
  const typed = Object.fromEntries(
    lines.flatMap((l) => {
      const unit = parsePrice(bid.linePrices[l.key] ?? '');
      // To the penny, as the server keeps it, so the total said is the total saved.
      return unit === null || Number.isNaN(unit) ? [] : [[String(l.key), toPenny(unit)]];
    }),
  );
  const total = schedule.every((l) => l.quantity > 0) ? linesTotal(schedule, typed) : null;
  return (
    <div className="stack">
      {lines.map((l, n) => (
        <TextField
          key={l.key}
          id={fieldId(`bids.${index}.linePrices.${n}`)}
          label={`Bid ${index + 1}: ${schedule[n]?.name ?? `line ${n + 1}`}, price in pounds${l.quantity.trim() === '1' ? '' : ' for one'}`}
          inputMode="decimal"
          className="field--short"
          value={bid.linePrices[l.key] ?? ''}
          onChange={(price) => onChange({ ...bid.linePrices, [l.key]: price })}
          error={errors[`bids.${index}.linePrices.${n}`]}
        />
      ))}
      {errors[`bids.${index}.linePrices`] ? (
        <p className="field__error" role="alert">
          {errors[`bids.${index}.linePrices`]}
        </p>
      ) : null}
      <p aria-live="polite">
        {total === null
          ? `Bid ${index + 1}: total worked out once every line has a price.`
          : `Bid ${index + 1}: total ${formatPrice(total)}.`}
      </p>
    </div>
  );
}
