/** The SQLite schema, applied in order; `user_version` records how far a database got. */
export const migrations: readonly string[] = [
  `
  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    secret_hash BLOB NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX sessions_user ON sessions(user_id);
  CREATE TABLE workspaces (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE memberships (
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    permission TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
  );
  CREATE INDEX memberships_user ON memberships(user_id);
  CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX documents_workspace ON documents(workspace_id);
  -- Append-only: one row per accepted update, never updated. Rows are kept after a
  -- snapshot because they are the evidence of who wrote what.
  CREATE TABLE journal (
    document_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    account_id TEXT,
    update_bytes BLOB NOT NULL,
    PRIMARY KEY (document_id, seq)
  ) WITHOUT ROWID;
  CREATE TABLE snapshots (
    document_id TEXT PRIMARY KEY,
    upto_seq INTEGER NOT NULL,
    state BLOB NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE quarantine (
    document_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    account_id TEXT,
    update_bytes BLOB NOT NULL,
    reason TEXT NOT NULL,
    quarantined_at INTEGER NOT NULL,
    PRIMARY KEY (document_id, seq)
  );
  `,
  `
  ALTER TABLE users ADD COLUMN credit_mode TEXT NOT NULL DEFAULT 'full_name';
  ALTER TABLE users ADD COLUMN display_name TEXT;
  ALTER TABLE memberships ADD COLUMN participant_role TEXT NOT NULL DEFAULT 'other';
  ALTER TABLE documents ADD COLUMN restricted INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE documents ADD COLUMN deleted_at INTEGER;
  CREATE TABLE document_access (
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    permission TEXT NOT NULL,
    PRIMARY KEY (document_id, user_id)
  );
  CREATE TABLE invites (
    id TEXT PRIMARY KEY,
    secret_hash BLOB NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    permission TEXT NOT NULL,
    participant_role TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    max_uses INTEGER,
    uses INTEGER NOT NULL DEFAULT 0,
    revoked_at INTEGER
  );
  CREATE INDEX invites_workspace ON invites(workspace_id);
  -- Append-only: the application never updates or deletes audit rows.
  CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    actor_id TEXT,
    workspace_id TEXT,
    action TEXT NOT NULL,
    target TEXT,
    details TEXT NOT NULL DEFAULT '{}',
    ip TEXT
  );
  CREATE INDEX audit_workspace ON audit_log(workspace_id, id);
  CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
  CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
  `,
  `
  -- Which account owns each Yjs client id in a document. A NULL account is the server
  -- itself (template content). The attribution gate refuses content under another's id.
  CREATE TABLE client_ids (
    document_id TEXT NOT NULL,
    client_id INTEGER NOT NULL,
    account_id TEXT,
    first_seen INTEGER NOT NULL,
    PRIMARY KEY (document_id, client_id)
  ) WITHOUT ROWID;
  `,
  `
  -- The attribution ledger, written in the same transaction as the journal rows it
  -- describes. Inserts: when each run of Yjs items was written (the author is the owner
  -- of the client id, unless a carried row says otherwise). Carried: text deleted and
  -- reinserted in one transaction (a split paragraph, a heading) keeps its first author.
  -- Deletes: who deleted whose text, when, and how many words.
  CREATE TABLE ledger_inserts (
    document_id TEXT NOT NULL,
    client_id INTEGER NOT NULL,
    clock INTEGER NOT NULL,
    len INTEGER NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (document_id, client_id, clock)
  ) WITHOUT ROWID;
  CREATE TABLE ledger_carried (
    document_id TEXT NOT NULL,
    client_id INTEGER NOT NULL,
    clock INTEGER NOT NULL,
    len INTEGER NOT NULL,
    author_id TEXT,
    original_at INTEGER NOT NULL,
    PRIMARY KEY (document_id, client_id, clock)
  ) WITHOUT ROWID;
  CREATE TABLE ledger_deletes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id TEXT NOT NULL,
    client_id INTEGER NOT NULL,
    clock INTEGER NOT NULL,
    len INTEGER NOT NULL,
    deleted_by TEXT,
    author_id TEXT,
    at INTEGER NOT NULL,
    words INTEGER NOT NULL,
    carried INTEGER NOT NULL
  );
  CREATE INDEX ledger_deletes_document ON ledger_deletes(document_id);
  CREATE TABLE versions (
    id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    label TEXT,
    created_by TEXT,
    created_at INTEGER NOT NULL,
    state BLOB NOT NULL
  );
  CREATE INDEX versions_document ON versions(document_id, created_at);
  `,
  // Colour slots: members so far take slots in the order they joined (10 colours then).
  `
  ALTER TABLE memberships ADD COLUMN color_slot INTEGER NOT NULL DEFAULT 0;
  UPDATE memberships SET color_slot = (
    SELECT COUNT(*) FROM memberships earlier
    WHERE earlier.workspace_id = memberships.workspace_id
      AND (earlier.created_at < memberships.created_at
        OR (earlier.created_at = memberships.created_at AND earlier.user_id < memberships.user_id))
  ) % 10;
  `,
  // The participant role of the account at the time it wrote: the ledger's evidence, so a
  // patient who later leaves the workspace is still credited as a patient. NULL for rows
  // written before this column and for the server's own content.
  `
  ALTER TABLE journal ADD COLUMN participant_role TEXT;
  ALTER TABLE client_ids ADD COLUMN participant_role TEXT;
  `,
  // A deleted account keeps its row (its id is the author of what it wrote) under no name;
  // when it was deleted, so no session of it is ever valid again.
  `
  ALTER TABLE users ADD COLUMN deleted_at INTEGER;
  `,
  // Procurement evaluations. Individual scores live here, never in the shared Yjs
  // document, so no connection can receive another evaluator's scores before moderation.
  `
  CREATE TABLE evaluations (
    document_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    state TEXT NOT NULL,
    setup TEXT NOT NULL,
    panel TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    override_reason TEXT
  );
  CREATE TABLE evaluation_entries (
    document_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    bid_id TEXT NOT NULL,
    criterion_id TEXT NOT NULL,
    score INTEGER,
    rationale TEXT,
    abstain_reason TEXT,
    saved_at INTEGER NOT NULL,
    PRIMARY KEY (document_id, user_id, bid_id, criterion_id)
  ) WITHOUT ROWID;
  CREATE TABLE evaluation_submissions (
    document_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    submitted_at INTEGER NOT NULL,
    PRIMARY KEY (document_id, user_id)
  ) WITHOUT ROWID;
  `,
  // The scores a procurement panel agrees in moderation, one per bid and criterion; the
  // individual scores they came from are never changed.
  `
  CREATE TABLE evaluation_agreed (
    document_id TEXT NOT NULL,
    bid_id TEXT NOT NULL,
    criterion_id TEXT NOT NULL,
    score INTEGER NOT NULL,
    rationale TEXT NOT NULL,
    reason TEXT,
    agreed_by TEXT NOT NULL,
    agreed_at INTEGER NOT NULL,
    PRIMARY KEY (document_id, bid_id, criterion_id)
  ) WITHOUT ROWID;
  `,
  // Each panel member's declaration of interests; a conflict's exception is the chair's.
  `
  CREATE TABLE evaluation_declarations (
    document_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    conflict INTEGER NOT NULL,
    details TEXT NOT NULL,
    declared_at INTEGER NOT NULL,
    exception_mitigation TEXT,
    exception_by TEXT,
    exception_at INTEGER,
    PRIMARY KEY (document_id, user_id)
  ) WITHOUT ROWID;
  `,
  // Moderation rounds (after clarification questions, or a correction after sign-off):
  // each round's agreed scores are kept, the current round's are the ones that count.
  `
  ALTER TABLE evaluations ADD COLUMN round INTEGER NOT NULL DEFAULT 1;
  ALTER TABLE evaluation_agreed RENAME TO evaluation_agreed_before_rounds;
  CREATE TABLE evaluation_agreed (
    document_id TEXT NOT NULL,
    round INTEGER NOT NULL,
    bid_id TEXT NOT NULL,
    criterion_id TEXT NOT NULL,
    score INTEGER NOT NULL,
    rationale TEXT NOT NULL,
    reason TEXT,
    agreed_by TEXT NOT NULL,
    agreed_at INTEGER NOT NULL,
    PRIMARY KEY (document_id, round, bid_id, criterion_id)
  ) WITHOUT ROWID;
  INSERT INTO evaluation_agreed
    SELECT document_id, 1, bid_id, criterion_id, score, rationale, reason, agreed_by, agreed_at
    FROM evaluation_agreed_before_rounds;
  DROP TABLE evaluation_agreed_before_rounds;
  CREATE TABLE evaluation_rounds (
    document_id TEXT NOT NULL,
    round INTEGER NOT NULL,
    reason TEXT NOT NULL,
    started_by TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    after_sign_off INTEGER NOT NULL,
    PRIMARY KEY (document_id, round)
  ) WITHOUT ROWID;
  `,
  // Comment threads anchored to the text, and their comments. A comment references its
  // thread together with the thread's document, so no comment can sit in a thread of
  // another document. Mentions are a JSON array of account ids.
  `
  CREATE TABLE comment_threads (
    id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    anchor_start BLOB NOT NULL,
    anchor_end BLOB NOT NULL,
    quote TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    resolved_at INTEGER,
    resolved_by TEXT
  );
  CREATE UNIQUE INDEX comment_threads_document ON comment_threads(document_id, id);
  CREATE TABLE comments (
    id TEXT PRIMARY KEY,
    thread_id TEXT NOT NULL,
    document_id TEXT NOT NULL,
    author_id TEXT NOT NULL,
    participant_role TEXT NOT NULL,
    body TEXT NOT NULL,
    mentions TEXT NOT NULL DEFAULT '[]',
    created_at INTEGER NOT NULL,
    edited_at INTEGER,
    deleted_at INTEGER,
    FOREIGN KEY (document_id, thread_id)
      REFERENCES comment_threads(document_id, id) ON DELETE CASCADE
  );
  CREATE INDEX comments_document ON comments(document_id, created_at);
  `,
  // Where a service design or improvement plan stands, who leads it and who approved it
  // (leads and approvals are small JSON objects keyed by lead role).
  `
  CREATE TABLE document_lifecycle (
    document_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    leads TEXT NOT NULL,
    approvals TEXT NOT NULL,
    version INTEGER NOT NULL,
    changed_at INTEGER NOT NULL,
    changed_by TEXT NOT NULL
  ) WITHOUT ROWID;
  `,
  // A comment thread may propose a change to its text (a suggestion), which an editor
  // accepts or rejects once.
  `
  ALTER TABLE comment_threads ADD COLUMN suggestion TEXT;
  ALTER TABLE comment_threads ADD COLUMN suggestion_outcome TEXT;
  ALTER TABLE comment_threads ADD COLUMN suggestion_decided_by TEXT;
  ALTER TABLE comment_threads ADD COLUMN suggestion_decided_at INTEGER;
  `,
  // The lots a declared conflict concerns (a JSON list of lot ids; NULL for all of them).
  `
  ALTER TABLE evaluation_declarations ADD COLUMN lots TEXT;
  `,
  // A procurement evaluation's bids: their files (bytes kept here, never in the Yjs
  // document or the journal) and clarification questions with the bidders' answers. An
  // answer is never changed: a correction is another row, so the earlier text stays.
  `
  CREATE TABLE bid_documents (
    id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    bid_id TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at INTEGER NOT NULL,
    bytes BLOB NOT NULL
  );
  CREATE INDEX bid_documents_bid ON bid_documents(document_id, bid_id);
  CREATE TABLE bid_clarifications (
    id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    bid_id TEXT NOT NULL,
    question TEXT NOT NULL,
    asked_by TEXT NOT NULL,
    asked_at INTEGER NOT NULL
  );
  CREATE UNIQUE INDEX bid_clarifications_document ON bid_clarifications(document_id, id);
  CREATE TABLE bid_clarification_answers (
    id TEXT PRIMARY KEY,
    clarification_id TEXT NOT NULL,
    document_id TEXT NOT NULL,
    answer TEXT NOT NULL,
    received_on TEXT NOT NULL,
    reason TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at INTEGER NOT NULL,
    FOREIGN KEY (document_id, clarification_id)
      REFERENCES bid_clarifications(document_id, id) ON DELETE CASCADE
  );
  CREATE INDEX bid_clarification_answers_document
    ON bid_clarification_answers(document_id, recorded_at);
  `,
  // When the chair revealed the bidders' names of an evaluation scored without them, and
  // when each member first declared (a declaration made again keeps its first date).
  `
  ALTER TABLE evaluations ADD COLUMN names_revealed_at INTEGER;
  ALTER TABLE evaluation_declarations ADD COLUMN first_declared_at INTEGER;
  `,
  // The panel groups that may open a bid's file (a JSON list; NULL for every group), so a
  // pricing schedule can be kept from quality evaluators as the price criterion is.
  `
  ALTER TABLE bid_documents ADD COLUMN seen_by TEXT;
  `,
  // Every declaration of interests as made, in the order made (id), so the record holds a
  // member's first declaration and each one after (once the names are known, say), not only
  // their current one in evaluation_declarations. An exception stays with the declaration it
  // was recorded for. A declaration made before this kept only its latest content: that
  // becomes the member's one recorded declaration, with its own date; nothing is made up.
  // Each was made with confidentiality confirmed (the input schema has required it since
  // declarations began).
  `
  CREATE TABLE evaluation_declaration_history (
    id INTEGER PRIMARY KEY,
    document_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    confidential INTEGER NOT NULL,
    conflict INTEGER NOT NULL,
    details TEXT NOT NULL,
    lots TEXT,
    declared_at INTEGER NOT NULL,
    exception_mitigation TEXT,
    exception_by TEXT,
    exception_at INTEGER
  );
  CREATE INDEX evaluation_declaration_history_member
    ON evaluation_declaration_history(document_id, user_id, id);
  INSERT INTO evaluation_declaration_history
    (document_id, user_id, confidential, conflict, details, lots, declared_at,
     exception_mitigation, exception_by, exception_at)
  SELECT document_id, user_id, 1, conflict, details, lots, declared_at,
    exception_mitigation, exception_by, exception_at
  FROM evaluation_declarations ORDER BY document_id, declared_at, user_id;
  `,
  // The client id an accepted suggestion's words are written under. While they are being
  // written its outcome is 'accepting' (see CommentStore.settleAcceptance); the index finds
  // those left so by a process that stopped.
  `
  ALTER TABLE comment_threads ADD COLUMN suggestion_client_id INTEGER;
  CREATE INDEX comment_threads_accepting ON comment_threads(suggestion_decided_at)
    WHERE suggestion_outcome = 'accepting';
  `,
  // Which mentions each person has read (see MentionReadStore for why per mention). Kept by
  // document too, so erasing a workspace erases them with its comments.
  `
  CREATE TABLE mention_reads (
    user_id TEXT NOT NULL,
    comment_id TEXT NOT NULL,
    document_id TEXT NOT NULL,
    read_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, comment_id)
  );
  CREATE INDEX mention_reads_document ON mention_reads(document_id);
  `,
  // The outbox of mention emails (see MentionEmailStore): one row per person and mention,
  // claimed by one process at a time (claim_token until claimed_until). Kept by document too,
  // so erasing a workspace erases them with its comments. And each person's choices.
  `
  CREATE TABLE mention_emails (
    user_id TEXT NOT NULL,
    comment_id TEXT NOT NULL,
    document_id TEXT NOT NULL,
    due_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL DEFAULT 'pending',
    claim_token TEXT,
    claimed_until INTEGER,
    settled_at INTEGER,
    PRIMARY KEY (user_id, comment_id)
  );
  CREATE INDEX mention_emails_due ON mention_emails(due_at) WHERE state = 'pending';
  CREATE INDEX mention_emails_document ON mention_emails(document_id);
  CREATE TABLE user_preferences (
    user_id TEXT PRIMARY KEY,
    email_mentions INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  `,
  // Email addresses confirmed with a link (see EmailConfirmationStore): when the account's
  // address was confirmed (null until then: accounts made before this start unconfirmed,
  // the safe choice, since nobody proved their address is theirs), and the links' tokens,
  // kept only as SHA-256 hashes, each tied to the account and the address it was sent to.
  `
  ALTER TABLE users ADD COLUMN email_confirmed_at INTEGER;
  CREATE TABLE email_confirmations (
    token_hash BLOB PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
  );
  CREATE INDEX email_confirmations_user ON email_confirmations(user_id, created_at);
  `,
  // When a confirmation email went to an address, by the address's SHA-256 (lower-cased):
  // kept when the account is deleted, so deleting and signing up again with the same
  // address does not start its count afresh. Only the hash: a deleted account's address
  // is not kept in the clear.
  `
  CREATE TABLE confirmation_sends (
    address_hash BLOB NOT NULL,
    sent_at INTEGER NOT NULL
  );
  CREATE INDEX confirmation_sends_address ON confirmation_sends(address_hash, sent_at);
  CREATE INDEX confirmation_sends_time ON confirmation_sends(sent_at);
  `,
];
