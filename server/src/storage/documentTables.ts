/**
 * Every table that holds a document's content or its evidence, keyed by document id: what
 * erasing a workspace deletes for each of its documents, in both SQL backends.
 */
export const documentTables = [
  'journal',
  'snapshots',
  'quarantine',
  'client_ids',
  'ledger_inserts',
  'ledger_carried',
  'ledger_deletes',
  'versions',
  'evaluation_entries',
  'evaluation_submissions',
  'evaluation_agreed',
  'evaluation_declarations',
  'evaluation_declaration_history',
  'evaluation_rounds',
  'evaluations',
  // Answers before the questions they reference.
  'bid_clarification_answers',
  'bid_clarifications',
  'bid_documents',
  // Who has read which mention; then comments before their threads, which they reference.
  'mention_reads',
  'mention_emails',
  'comments',
  'comment_threads',
  'document_lifecycle',
] as const;
