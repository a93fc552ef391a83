/**
 * Fixed sets of fields kept together in a document: an improvement plan's charter and a
 * service design's header (PRODUCT.md). Each is one element whose fields are attributes,
 * so two people filling in different fields at once both keep theirs.
 */
export interface CardField {
  key: string;
  label: string;
  hint?: string;
  multiline?: boolean;
}

export interface CardKind {
  /** The element's name in the document. */
  name: string;
  title: string;
  fields: readonly CardField[];
}

export const charterCard = {
  name: 'charter',
  title: 'Charter',
  fields: [
    {
      key: 'problem',
      label: 'Problem',
      hint: 'What goes wrong now, and for whom.',
      multiline: true,
    },
    {
      key: 'baseline',
      label: 'Baseline',
      hint: 'How things stand now, with numbers where you have them.',
    },
    {
      key: 'aim',
      label: 'Aim',
      hint: 'How much, for whom, by when. For example: fewer missed eye clinic appointments, from 12% to 8% of adult patients, by June 2027.',
      multiline: true,
    },
    { key: 'scope', label: 'Scope', hint: 'What is in, and what is out.' },
    { key: 'sponsor', label: 'Sponsor' },
    { key: 'lead', label: 'Lead' },
    { key: 'team', label: 'Team, including patient partners', multiline: true },
    { key: 'involvement', label: 'How patients are involved', multiline: true },
  ],
} as const satisfies CardKind;

export const coproductionLevels = [
  'inform',
  'consult',
  'engage',
  'co_design',
  'co_produce',
] as const;
export type CoproductionLevel = (typeof coproductionLevels)[number];

export const coproductionLevelNames: Record<CoproductionLevel, string> = {
  inform: 'Inform: we tell people what is happening',
  consult: 'Consult: we ask for views and decide ourselves',
  engage: 'Engage: people shape options with us',
  co_design: 'Co-design: we design the service together',
  co_produce: 'Co-produce: we design and deliver it together, sharing power',
};

export const serviceHeaderCard = {
  name: 'serviceHeader',
  title: 'About this service',
  fields: [
    { key: 'service', label: 'Service' },
    { key: 'commissioners', label: 'Commissioner or commissioners' },
    { key: 'place', label: 'Place', hint: 'Where: the area, sites or neighbourhoods.' },
    { key: 'scope', label: 'Scope', hint: 'What is in, and what is out.' },
    { key: 'owners', label: 'Owners', hint: 'Who is responsible for the design.' },
  ],
} as const satisfies CardKind;

/** What the group proposes for the service (PRODUCT.md, "Proposed service"). */
export const proposedServiceCard = {
  name: 'proposedService',
  title: 'Proposed service',
  fields: [
    {
      key: 'pathway',
      label: 'Pathway',
      hint: 'The steps people go through, from first contact to the end of their care.',
      multiline: true,
    },
    {
      key: 'access',
      label: 'Access',
      hint: 'How, when and where people can use the service.',
      multiline: true,
    },
    {
      key: 'workforce',
      label: 'Workforce',
      hint: 'Who provides it, and with what skills.',
      multiline: true,
    },
    {
      key: 'outcomes',
      label: 'Outcomes',
      hint: 'What should be better for people, and how you will know.',
      multiline: true,
    },
    {
      key: 'inequalities',
      label: 'Effect on health inequalities',
      hint: 'Who might benefit less or be left out, and what the design does about it.',
      multiline: true,
    },
  ],
} as const satisfies CardKind;

/** The service header's choice of how far co-production goes. */
export const COPRODUCTION_FIELD = 'coproduction';

/** Every attribute the cards use, each once (the same name may serve two cards). */
export const cardAttributes: readonly string[] = [
  ...new Set([
    ...charterCard.fields.map((f) => f.key),
    ...serviceHeaderCard.fields.map((f) => f.key),
    ...proposedServiceCard.fields.map((f) => f.key),
    COPRODUCTION_FIELD,
  ]),
];

/**
 * What an aim does not say yet, in words, from the text alone: a number for "how much"
 * and a date for "by when". Guidance, never a refusal.
 */
export function aimGaps(aim: string): string | null {
  const text = aim.trim();
  if (text === '') return null;
  const missing: string[] = [];
  if (!/\d/.test(text.replace(/\b(19|20)\d\d\b/g, ''))) missing.push('how much (a number)');
  // Whole month names or their short forms ("May" only before a year: "may" is a verb).
  const month =
    /\b(january|february|march|april|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\b/i.test(
      text,
    ) || /\b(19|20)\d\d\b/.test(text);
  if (!month) missing.push('by when (a month or year)');
  if (missing.length === 0) return null;
  return `The aim does not say ${missing.join(' or ')} yet.`;
}
