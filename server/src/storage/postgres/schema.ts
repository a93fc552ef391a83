/**
 * The PostgreSQL schema, applied in order; `chorus_schema.version` records how far a
 * database got. It holds the same tables as the SQLite schema (`../sqlite/schema.ts`) in
 * their current shape: no PostgreSQL database predates it, so it starts at that shape.
 * Times are milliseconds since 1970 (BIGINT), as in SQLite, so both backends hand the
 * services the same values.
 */
export const postgresMigrations: readonly string[] = [
  `
  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    credit_mode TEXT NOT NULL DEFAULT 'full_name',
    display_name TEXT,
    deleted_at BIGINT
  );
  CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    secret_hash BYTEA NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
  );
  CREATE INDEX sessions_user ON sessions(user_id);
  CREATE TABLE workspaces (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
  );
  CREATE TABLE memberships (
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    permission TEXT NOT NULL,
    participant_role TEXT NOT NULL DEFAULT 'other',
    created_at BIGINT NOT NULL,
    color_slot INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (workspace_id, user_id)
  );
  CREATE INDEX memberships_user ON memberships(user_id);
  CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    restricted BOOLEAN NOT NULL DEFAULT FALSE,
    deleted_at BIGINT
  );
  CREATE INDEX documents_workspace ON documents(workspace_id);
  CREATE TABLE document_access (
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    permission TEXT NOT NULL,
    PRIMARY KEY (document_id, user_id)
  );
  CREATE TABLE invites (
    id TEXT PRIMARY KEY,
    secret_hash BYTEA NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    permission TEXT NOT NULL,
    participant_role TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    max_uses INTEGER,
    uses INTEGER NOT NULL DEFAULT 0,
    revoked_at BIGINT
  );
  CREATE INDEX invites_workspace ON invites(workspace_id);

  -- Append-only: the application never updates or deletes audit rows, and the database
  -- refuses it if anything tries.
  CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    at BIGINT NOT NULL,
    actor_id TEXT,
    workspace_id TEXT,
    action TEXT NOT NULL,
    target TEXT,
    details TEXT NOT NULL DEFAULT '{}',
    ip TEXT
  );
  CREATE INDEX audit_workspace ON audit_log(workspace_id, id);
  CREATE INDEX audit_actor ON audit_log(actor_id, id);
  CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'audit_log is append-only'; END;
  $$;
  CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

  -- Append-only: one row per accepted update, never updated. Rows are kept after a
  -- snapshot because they are the evidence of who wrote what.
  CREATE TABLE journal (
    document_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    account_id TEXT,
    participant_role TEXT,
    update_bytes BYTEA NOT NULL,
    PRIMARY KEY (document_id, seq)
  );
  -- The highest sequence number given to each document's rows. Taking the next numbers
  -- locks this row until the transaction ends, so one document's rows commit in order
  -- even when several server processes write to it. Its document must exist: a process
  -- that had not yet heard a document was erased cannot write rows for it afterwards.
  CREATE TABLE journal_heads (
    document_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    seq BIGINT NOT NULL
  );
  CREATE TABLE snapshots (
    document_id TEXT PRIMARY KEY,
    upto_seq BIGINT NOT NULL,
    state BYTEA NOT NULL,
    created_at BIGINT NOT NULL
  );
  CREATE TABLE quarantine (
    document_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    account_id TEXT,
    update_bytes BYTEA NOT NULL,
    reason TEXT NOT NULL,
    quarantined_at BIGINT NOT NULL,
    PRIMARY KEY (document_id, seq)
  );
  -- Which account owns each Yjs client id in a document (NULL: the server's own content).
  CREATE TABLE client_ids (
    document_id TEXT NOT NULL,
    client_id BIGINT NOT NULL,
    account_id TEXT,
    first_seen BIGINT NOT NULL,
    participant_role TEXT,
    PRIMARY KEY (document_id, client_id)
  );
  -- The attribution ledger, written in the same transaction as the journal rows it
  -- describes (see the SQLite schema for what each table means).
  CREATE TABLE ledger_inserts (
    document_id TEXT NOT NULL,
    client_id BIGINT NOT NULL,
    clock BIGINT NOT NULL,
    len BIGINT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (document_id, client_id, clock)
  );
  CREATE TABLE ledger_carried (
    document_id TEXT NOT NULL,
    client_id BIGINT NOT NULL,
    clock BIGINT NOT NULL,
    len BIGINT NOT NULL,
    author_id TEXT,
    original_at BIGINT NOT NULL,
    PRIMARY KEY (document_id, client_id, clock)
  );
  CREATE TABLE ledger_deletes (
    id BIGSERIAL PRIMARY KEY,
    document_id TEXT NOT NULL,
    client_id BIGINT NOT NULL,
    clock BIGINT NOT NULL,
    len BIGINT NOT NULL,
    deleted_by TEXT,
    author_id TEXT,
    at BIGINT NOT NULL,
    words INTEGER NOT NULL,
    -- 0: deleted, 1: moved within one transaction, 2: brought back by a restore.
    carried SMALLINT NOT NULL
  );
  CREATE INDEX ledger_deletes_document ON ledger_deletes(document_id);
  CREATE TABLE versions (
    id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    label TEXT,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    state BYTEA NOT NULL
  );
  CREATE INDEX versions_document ON versions(document_id, created_at);

  -- Procurement evaluations. Individual scores live here, never in the shared Yjs
  -- document, so no connection can receive another evaluator's scores before moderation.
  CREATE TABLE evaluations (
    document_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    state TEXT NOT NULL,
    setup TEXT NOT NULL,
    panel TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    override_reason TEXT,
    round INTEGER NOT NULL DEFAULT 1
  );
  CREATE TABLE evaluation_entries (
    document_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    bid_id TEXT NOT NULL,
    criterion_id TEXT NOT NULL,
    score INTEGER,
    rationale TEXT,
    abstain_reason TEXT,
    saved_at BIGINT NOT NULL,
    PRIMARY KEY (document_id, user_id, bid_id, criterion_id)
  );
  CREATE TABLE evaluation_submissions (
    document_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    submitted_at BIGINT NOT NULL,
    PRIMARY KEY (document_id, user_id)
  );
  CREATE TABLE evaluation_agreed (
    document_id TEXT NOT NULL,
    round INTEGER NOT NULL,
    bid_id TEXT NOT NULL,
    criterion_id TEXT NOT NULL,
    score INTEGER NOT NULL,
    rationale TEXT NOT NULL,
    reason TEXT,
    agreed_by TEXT NOT NULL,
    agreed_at BIGINT NOT NULL,
    PRIMARY KEY (document_id, round, bid_id, criterion_id)
  );
  CREATE TABLE evaluation_declarations (
    document_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    conflict BOOLEAN NOT NULL,
    details TEXT NOT NULL,
    declared_at BIGINT NOT NULL,
    exception_mitigation TEXT,
    exception_by TEXT,
    exception_at BIGINT,
    PRIMARY KEY (document_id, user_id)
  );
  CREATE TABLE evaluation_rounds (
    document_id TEXT NOT NULL,
    round INTEGER NOT NULL,
    reason TEXT NOT NULL,
    started_by TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    after_sign_off BOOLEAN NOT NULL,
    PRIMARY KEY (document_id, round)
  );
  `,
  // The journal's one write path as one statement: a group commit is one round trip to
  // the database (on a loaded machine a round trip costs most of a millisecond, and a
  // commit made of statements took eight of them). Arguments are parallel arrays, one
  // set per kind of row. What it does, in order:
  // - the ledger: inserts (kept if already there), carried runs one by one (a later one
  //   replaces an earlier), deletions in the batch's order (read back in id order);
  // - client ids: registered unless already there; one already registered to another
  //   account fails the whole call with SQLSTATE CH001, DETAIL the documents concerned;
  // - the rows: each document's head locked in document order (no deadlock between
  //   processes), the next numbers given in batch order, the heads moved on. The locks
  //   last until commit, so a document's rows commit in order. A document erased
  //   meanwhile fails the call with SQLSTATE CH002, DETAIL the documents concerned.
  // Returns the number each row was stored under, in batch order.
  `
  CREATE FUNCTION chorus_append(
    r_doc text[], r_at bigint[], r_account text[], r_role text[], r_update bytea[],
    c_doc text[], c_id bigint[], c_account text[], c_first bigint[], c_role text[],
    i_doc text[], i_client bigint[], i_clock bigint[], i_len bigint[], i_at bigint[],
    k_doc text[], k_client bigint[], k_clock bigint[], k_len bigint[], k_author text[],
    k_original bigint[],
    d_doc text[], d_client bigint[], d_clock bigint[], d_len bigint[], d_by text[],
    d_author text[], d_at bigint[], d_words integer[], d_carried smallint[]
  ) RETURNS bigint[] LANGUAGE plpgsql AS $$
  DECLARE
    documents text[];
    taken text[];
    seqs bigint[];
  BEGIN
    INSERT INTO ledger_inserts (document_id, client_id, clock, len, at)
      SELECT * FROM unnest(i_doc, i_client, i_clock, i_len, i_at)
      ON CONFLICT DO NOTHING;
    FOR k IN 1 .. coalesce(array_length(k_doc, 1), 0) LOOP
      INSERT INTO ledger_carried (document_id, client_id, clock, len, author_id, original_at)
        VALUES (k_doc[k], k_client[k], k_clock[k], k_len[k], k_author[k], k_original[k])
        ON CONFLICT (document_id, client_id, clock) DO UPDATE SET
          len = excluded.len, author_id = excluded.author_id, original_at = excluded.original_at;
    END LOOP;
    INSERT INTO ledger_deletes
        (document_id, client_id, clock, len, deleted_by, author_id, at, words, carried)
      SELECT t.d, t.c, t.k, t.l, t.b, t.a, t.t, t.w, t.x
      FROM unnest(d_doc, d_client, d_clock, d_len, d_by, d_author, d_at, d_words, d_carried)
        WITH ORDINALITY AS t(d, c, k, l, b, a, t, w, x, ord)
      ORDER BY t.ord;

    INSERT INTO client_ids (document_id, client_id, account_id, first_seen, participant_role)
      SELECT * FROM unnest(c_doc, c_id, c_account, c_first, c_role)
      ON CONFLICT DO NOTHING;
    SELECT array_agg(DISTINCT t.d) INTO taken
      FROM unnest(c_doc, c_id, c_account) AS t(d, id, account)
      JOIN client_ids c ON c.document_id = t.d AND c.client_id = t.id
      WHERE c.account_id IS DISTINCT FROM t.account;
    IF taken IS NOT NULL THEN
      RAISE EXCEPTION 'client id already registered to another account'
        USING ERRCODE = 'CH001', DETAIL = array_to_string(taken, ',');
    END IF;

    documents := ARRAY(SELECT DISTINCT d FROM unnest(r_doc) AS d ORDER BY d);
    -- A document erased through another process before this commit: refused by name.
    SELECT array_agg(d) INTO taken FROM unnest(documents) AS d
      WHERE NOT EXISTS (SELECT 1 FROM documents x WHERE x.id = d);
    IF taken IS NOT NULL THEN
      RAISE EXCEPTION 'a document of this commit was erased meanwhile'
        USING ERRCODE = 'CH002', DETAIL = array_to_string(taken, ',');
    END IF;
    INSERT INTO journal_heads (document_id, seq) SELECT d, 0 FROM unnest(documents) AS d
      ON CONFLICT DO NOTHING;
    PERFORM 1 FROM journal_heads WHERE document_id = ANY(documents)
      ORDER BY document_id FOR UPDATE;
    SELECT coalesce(array_agg(n.seq ORDER BY n.ord), '{}') INTO seqs FROM (
      SELECT t.ord, h.seq + row_number() OVER (PARTITION BY t.d ORDER BY t.ord) AS seq
      FROM unnest(r_doc) WITH ORDINALITY AS t(d, ord)
      JOIN journal_heads h ON h.document_id = t.d
    ) AS n;
    -- A head deleted between its insert and its lock: the document was erased meanwhile.
    IF cardinality(seqs) <> cardinality(r_doc) THEN
      SELECT array_agg(d) INTO taken FROM unnest(documents) AS d
        WHERE NOT EXISTS (SELECT 1 FROM journal_heads h WHERE h.document_id = d);
      RAISE EXCEPTION 'a document of this commit was erased meanwhile'
        USING ERRCODE = 'CH002', DETAIL = array_to_string(taken, ',');
    END IF;
    INSERT INTO journal (document_id, seq, created_at, account_id, participant_role, update_bytes)
      SELECT * FROM unnest(r_doc, seqs, r_at, r_account, r_role, r_update);
    UPDATE journal_heads h SET seq = m.seq
      FROM (SELECT t.d, max(t.s) AS seq FROM unnest(r_doc, seqs) AS t(d, s) GROUP BY t.d) AS m
      WHERE h.document_id = m.d;
    RETURN seqs;
  END
  $$;
  `,
  // Comment threads anchored to the text, and their comments. A comment references its
  // thread together with the thread's document, so no comment can sit in a thread of
  // another document. Mentions are a JSON array of account ids.
  `
  CREATE TABLE comment_threads (
    id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    anchor_start BYTEA NOT NULL,
    anchor_end BYTEA NOT NULL,
    quote TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    resolved_at BIGINT,
    resolved_by TEXT,
    UNIQUE (document_id, id)
  );
  CREATE TABLE comments (
    id TEXT PRIMARY KEY,
    thread_id TEXT NOT NULL,
    document_id TEXT NOT NULL,
    author_id TEXT NOT NULL,
    participant_role TEXT NOT NULL,
    body TEXT NOT NULL,
    mentions TEXT NOT NULL DEFAULT '[]',
    created_at BIGINT NOT NULL,
    edited_at BIGINT,
    deleted_at BIGINT,
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
    changed_at BIGINT NOT NULL,
    changed_by TEXT NOT NULL
  );
  `,
  // A comment thread may propose a change to its text (a suggestion), which an editor
  // accepts or rejects once.
  `
  ALTER TABLE comment_threads ADD COLUMN suggestion TEXT;
  ALTER TABLE comment_threads ADD COLUMN suggestion_outcome TEXT;
  ALTER TABLE comment_threads ADD COLUMN suggestion_decided_by TEXT;
  ALTER TABLE comment_threads ADD COLUMN suggestion_decided_at BIGINT;
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
    uploaded_at BIGINT NOT NULL,
    bytes BYTEA NOT NULL
  );
  CREATE INDEX bid_documents_bid ON bid_documents(document_id, bid_id);
  CREATE TABLE bid_clarifications (
    id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    bid_id TEXT NOT NULL,
    question TEXT NOT NULL,
    asked_by TEXT NOT NULL,
    asked_at BIGINT NOT NULL,
    seq BIGSERIAL,
    UNIQUE (document_id, id)
  );
  CREATE TABLE bid_clarification_answers (
    id TEXT PRIMARY KEY,
    clarification_id TEXT NOT NULL,
    document_id TEXT NOT NULL,
    answer TEXT NOT NULL,
    received_on TEXT NOT NULL,
    reason TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    -- Ties in recorded_at (two saves in one millisecond) keep the order they were made in.
    seq BIGSERIAL,
    FOREIGN KEY (document_id, clarification_id)
      REFERENCES bid_clarifications(document_id, id) ON DELETE CASCADE
  );
  CREATE INDEX bid_clarification_answers_document
    ON bid_clarification_answers(document_id, recorded_at);
  `,
  // When the chair revealed the bidders' names of an evaluation scored without them, and
  // when each member first declared (a declaration made again keeps its first date).
  `
  ALTER TABLE evaluations ADD COLUMN names_revealed_at BIGINT;
  ALTER TABLE evaluation_declarations ADD COLUMN first_declared_at BIGINT;
  `,
  // The panel groups that may open a bid's file (a JSON list; NULL for every group), so a
  // pricing schedule can be kept from quality evaluators as the price criterion is.
  `
  ALTER TABLE bid_documents ADD COLUMN seen_by TEXT;
  `,
  // Every declaration of interests as made, in the order made (seq), so the record holds a
  // member's first declaration and each one after (once the names are known, say), not only
  // their current one in evaluation_declarations. An exception stays with the declaration it
  // was recorded for. A declaration made before this kept only its latest content: that
  // becomes the member's one recorded declaration, with its own date; nothing is made up.
  // Each was made with confidentiality confirmed (the input schema has required it since
  // declarations began).
  `
  CREATE TABLE evaluation_declaration_history (
    seq BIGSERIAL PRIMARY KEY,
    document_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    confidential BOOLEAN NOT NULL,
    conflict BOOLEAN NOT NULL,
    details TEXT NOT NULL,
    lots TEXT,
    declared_at BIGINT NOT NULL,
    exception_mitigation TEXT,
    exception_by TEXT,
    exception_at BIGINT
  );
  CREATE INDEX evaluation_declaration_history_member
    ON evaluation_declaration_history(document_id, user_id, seq);
  INSERT INTO evaluation_declaration_history
    (document_id, user_id, confidential, conflict, details, lots, declared_at,
     exception_mitigation, exception_by, exception_at)
  SELECT document_id, user_id, TRUE, conflict, details, lots, declared_at,
    exception_mitigation, exception_by, exception_at
  FROM evaluation_declarations ORDER BY document_id, declared_at, user_id;
  `,
  // The client id an accepted suggestion's words are written under. While they are being
  // written its outcome is 'accepting' (see CommentStore.settleAcceptance); the index finds
  // those left so by a process that stopped.
  `
  ALTER TABLE comment_threads ADD COLUMN suggestion_client_id BIGINT;
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
    read_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, comment_id)
  );
  CREATE INDEX mention_reads_document ON mention_reads(document_id);
  `,
  // The journal's write path refuses a batch for a closed document (SQLSTATE CH003, DETAIL
  // the documents), checked in the commit's own transaction: an edit that reached a process
  // before it heard of the closing is never written after it. `locking` lists the statuses
  // that lock the text (`textLockingStatuses`), passed in so the rule stays in one place.
  `
  DROP FUNCTION chorus_append(
    text[], bigint[], text[], text[], bytea[],
    text[], bigint[], text[], bigint[], text[],
    text[], bigint[], bigint[], bigint[], bigint[],
    text[], bigint[], bigint[], bigint[], text[], bigint[],
    text[], bigint[], bigint[], bigint[], text[], text[], bigint[], integer[], smallint[]
  );
  CREATE FUNCTION chorus_append(
    r_doc text[], r_at bigint[], r_account text[], r_role text[], r_update bytea[],
    c_doc text[], c_id bigint[], c_account text[], c_first bigint[], c_role text[],
    i_doc text[], i_client bigint[], i_clock bigint[], i_len bigint[], i_at bigint[],
    k_doc text[], k_client bigint[], k_clock bigint[], k_len bigint[], k_author text[],
    k_original bigint[],
    d_doc text[], d_client bigint[], d_clock bigint[], d_len bigint[], d_by text[],
    d_author text[], d_at bigint[], d_words integer[], d_carried smallint[],
    locking text[]
  ) RETURNS bigint[] LANGUAGE plpgsql AS $$
  DECLARE
    documents text[];
    all_documents text[];
    taken text[];
    seqs bigint[];
  BEGIN
    -- Every document the batch writes anything of (rows, client ids, ledger entries).
    all_documents := ARRAY(SELECT DISTINCT d FROM unnest(r_doc || c_doc || i_doc || k_doc || d_doc) AS d
      ORDER BY d);
    INSERT INTO ledger_inserts (document_id, client_id, clock, len, at)
      SELECT * FROM unnest(i_doc, i_client, i_clock, i_len, i_at)
      ON CONFLICT DO NOTHING;
    FOR k IN 1 .. coalesce(array_length(k_doc, 1), 0) LOOP
      INSERT INTO ledger_carried (document_id, client_id, clock, len, author_id, original_at)
        VALUES (k_doc[k], k_client[k], k_clock[k], k_len[k], k_author[k], k_original[k])
        ON CONFLICT (document_id, client_id, clock) DO UPDATE SET
          len = excluded.len, author_id = excluded.author_id, original_at = excluded.original_at;
    END LOOP;
    INSERT INTO ledger_deletes
        (document_id, client_id, clock, len, deleted_by, author_id, at, words, carried)
      SELECT t.d, t.c, t.k, t.l, t.b, t.a, t.t, t.w, t.x
      FROM unnest(d_doc, d_client, d_clock, d_len, d_by, d_author, d_at, d_words, d_carried)
        WITH ORDINALITY AS t(d, c, k, l, b, a, t, w, x, ord)
      ORDER BY t.ord;

    INSERT INTO client_ids (document_id, client_id, account_id, first_seen, participant_role)
      SELECT * FROM unnest(c_doc, c_id, c_account, c_first, c_role)
      ON CONFLICT DO NOTHING;
    SELECT array_agg(DISTINCT t.d) INTO taken
      FROM unnest(c_doc, c_id, c_account) AS t(d, id, account)
      JOIN client_ids c ON c.document_id = t.d AND c.client_id = t.id
      WHERE c.account_id IS DISTINCT FROM t.account;
    IF taken IS NOT NULL THEN
      RAISE EXCEPTION 'client id already registered to another account'
        USING ERRCODE = 'CH001', DETAIL = array_to_string(taken, ',');
    END IF;

    documents := ARRAY(SELECT DISTINCT d FROM unnest(r_doc) AS d ORDER BY d);
    -- A document erased through another process before this commit: refused by name.
    SELECT array_agg(d) INTO taken FROM unnest(documents) AS d
      WHERE NOT EXISTS (SELECT 1 FROM documents x WHERE x.id = d);
    IF taken IS NOT NULL THEN
      RAISE EXCEPTION 'a document of this commit was erased meanwhile'
        USING ERRCODE = 'CH002', DETAIL = array_to_string(taken, ',');
    END IF;
    INSERT INTO journal_heads (document_id, seq) SELECT d, 0 FROM unnest(documents) AS d
      ON CONFLICT DO NOTHING;
    PERFORM 1 FROM journal_heads WHERE document_id = ANY(documents)
      ORDER BY document_id FOR UPDATE;
    -- A closed document takes no edits: its status is read under a share lock on its row,
    -- which a status change (lifecycles.save) locks for update, so the read sees a closing
    -- committed before this and none can commit until this one has. Taken after the heads,
    -- in document order, as an erasure takes them (heads first): no deadlock.
    PERFORM 1 FROM documents WHERE id = ANY(all_documents) ORDER BY id FOR SHARE;
    SELECT array_agg(l.document_id ORDER BY l.document_id) INTO taken
      FROM document_lifecycle l
      WHERE l.document_id = ANY(all_documents) AND l.status = ANY(locking);
    IF taken IS NOT NULL THEN
      RAISE EXCEPTION 'a document of this commit is closed'
        USING ERRCODE = 'CH003', DETAIL = array_to_string(taken, ',');
    END IF;
    SELECT coalesce(array_agg(n.seq ORDER BY n.ord), '{}') INTO seqs FROM (
      SELECT t.ord, h.seq + row_number() OVER (PARTITION BY t.d ORDER BY t.ord) AS seq
      FROM unnest(r_doc) WITH ORDINALITY AS t(d, ord)
      JOIN journal_heads h ON h.document_id = t.d
    ) AS n;
    -- A head deleted between its insert and its lock: the document was erased meanwhile.
    IF cardinality(seqs) <> cardinality(r_doc) THEN
      SELECT array_agg(d) INTO taken FROM unnest(documents) AS d
        WHERE NOT EXISTS (SELECT 1 FROM journal_heads h WHERE h.document_id = d);
      RAISE EXCEPTION 'a document of this commit was erased meanwhile'
        USING ERRCODE = 'CH002', DETAIL = array_to_string(taken, ',');
    END IF;
    INSERT INTO journal (document_id, seq, created_at, account_id, participant_role, update_bytes)
      SELECT * FROM unnest(r_doc, seqs, r_at, r_account, r_role, r_update);
    UPDATE journal_heads h SET seq = m.seq
      FROM (SELECT t.d, max(t.s) AS seq FROM unnest(r_doc, seqs) AS t(d, s) GROUP BY t.d) AS m
      WHERE h.document_id = m.d;
    RETURN seqs;
  END
  $$;
  `,
  // The outbox of mention emails (see MentionEmailStore): one row per person and mention,
  // claimed by one process at a time (claim_token until claimed_until). Kept by document too,
  // so erasing a workspace erases them with its comments. And each person's choices.
  `
  CREATE TABLE mention_emails (
    user_id TEXT NOT NULL,
    comment_id TEXT NOT NULL,
    document_id TEXT NOT NULL,
    due_at BIGINT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL DEFAULT 'pending',
    claim_token TEXT,
    claimed_until BIGINT,
    settled_at BIGINT,
    PRIMARY KEY (user_id, comment_id)
  );
  CREATE INDEX mention_emails_due ON mention_emails(due_at) WHERE state = 'pending';
  CREATE INDEX mention_emails_document ON mention_emails(document_id);
  CREATE TABLE user_preferences (
    user_id TEXT PRIMARY KEY,
    email_mentions BOOLEAN NOT NULL,
    updated_at BIGINT NOT NULL
  );
  `,
  // Email addresses confirmed with a link (see EmailConfirmationStore): when the account's
  // address was confirmed (null until then: accounts made before this start unconfirmed,
  // the safe choice, since nobody proved their address is theirs), and the links' tokens,
  // kept only as SHA-256 hashes, each tied to the account and the address it was sent to.
  `
  ALTER TABLE users ADD COLUMN email_confirmed_at BIGINT;
  CREATE TABLE email_confirmations (
    token_hash BYTEA PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
  );
  CREATE INDEX email_confirmations_user ON email_confirmations(user_id, created_at);
  `,
  // When a confirmation email went to an address, by the address's SHA-256 (lower-cased):
  // kept when the account is deleted, so deleting and signing up again with the same
  // address does not start its count afresh. Only the hash: a deleted account's address
  // is not kept in the clear.
  `
  CREATE TABLE confirmation_sends (
    address_hash BYTEA NOT NULL,
    sent_at BIGINT NOT NULL
  );
  CREATE INDEX confirmation_sends_address ON confirmation_sends(address_hash, sent_at);
  CREATE INDEX confirmation_sends_time ON confirmation_sends(sent_at);
  `,
];
