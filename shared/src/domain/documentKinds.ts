/** The three kinds of document Chorus supports (see PRODUCT.md). */
export const documentKinds = [
  'service_design',
  'procurement_evaluation',
  'improvement_plan',
] as const;
export type DocumentKind = (typeof documentKinds)[number];

export const documentKindLabels: Record<DocumentKind, string> = {
  service_design: 'Service design',
  procurement_evaluation: 'Procurement evaluation',
  improvement_plan: 'Improvement plan',
};
