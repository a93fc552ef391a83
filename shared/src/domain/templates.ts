import type { DocumentKind } from './documentKinds.ts';

/** A template block: a heading or a paragraph of guidance. Kept tiny on purpose. */
export type TemplateBlock =
  | { type: 'heading'; level: 1 | 2 | 3; text: string }
  | { type: 'paragraph'; text: string };

const section = (title: string, prompt: string): TemplateBlock[] => [
  { type: 'heading', level: 2, text: title },
  { type: 'paragraph', text: prompt },
];

/** The starting content of each document kind, seeded by the server on creation. */
export const documentTemplates: Record<DocumentKind, TemplateBlock[]> = {
  service_design: [
    ...section(
      'About this service',
      'Service, commissioners, place, scope, owners, and the level of co-production we aim for.',
    ),
    ...section(
      'Participants',
      'Who is taking part, how each person wants to be credited, and whether they agreed to be quoted: list them with the toolbar’s “Participants” button.',
    ),
    ...section(
      'Experience evidence',
      'Stories, quotes (with consent) and journey stages with their touchpoints. Keep them with the toolbar’s “Evidence” button, which records consent for each.',
    ),
    ...section(
      'Priorities',
      'The three or four priorities the group agreed, and the evidence behind each. Keep them with the toolbar’s “Priorities” button, where each also gets its “You said, we did”.',
    ),
    ...section(
      'Proposed service',
      'Pathway, access, workforce, outcomes, and the effect on health inequalities: fill them in with the toolbar’s “Proposed service” button.',
    ),
    ...section(
      'Decision log',
      'Each decision, when it was made, and the evidence it rests on. Keep them with the toolbar’s “Decision log” button.',
    ),
    ...section(
      'You said, we did',
      'For each priority: what changed, what did not, and why. The design cannot be closed while a priority has no entry.',
    ),
  ],
  procurement_evaluation: [
    ...section('Set-up', 'Lots, criteria and sub-criteria, weights, thresholds and the method.'),
    ...section('Bids', 'The bids for each lot, with their documents and clarifications.'),
    ...section('Panel', 'Members, panel roles, relevant experience and declarations.'),
    ...section('Scoring', 'Individual scoring with a written rationale for every score.'),
    ...section('Moderation', 'The agreed score and rationale for each bid and criterion.'),
    ...section('Outcome', 'Weighted totals, ranking, threshold failures and sign-off.'),
  ],
  improvement_plan: [
    ...section(
      'Charter',
      'Problem, baseline, aim (how much, for whom, by when), scope, sponsor, lead and team: fill them in with the toolbar’s “Charter” button.',
    ),
    ...section(
      'Driver diagram',
      'Aim, primary drivers, secondary drivers and change ideas. Build it with the toolbar’s “Driver diagram” button.',
    ),
    ...section(
      'Measures',
      'Outcome, process and balancing measures with their definitions. Add a run chart for each with the toolbar’s “Run chart” button.',
    ),
    ...section(
      'PDSA cycles',
      'Plan, do, study, act for each change idea being tested. Add one with the toolbar’s “PDSA cycle” button: its prediction locks when Do starts.',
    ),
    ...section(
      'Action log',
      'Action, owner, due date and status. Keep them in one with the toolbar’s “Action log” button.',
    ),
  ],
};
