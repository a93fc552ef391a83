import {
  type DriverBranch,
  type DriverLevel,
  describeDriverDiagram,
  driverLevelNames,
  driverLevels,
  pdsaStageNames,
} from '@chorus/shared';
import { Node } from '@tiptap/core';
import type { Node as PmNode } from '@tiptap/pm/model';
import { NodeViewWrapper, type ReactNodeViewProps, ReactNodeViewRenderer } from '@tiptap/react';
import { useId, useRef, useState } from 'react';
import { newUid } from '../childEdits.ts';
import {
  type CycleRef,
  cyclePos,
  firstIdeaPos,
  followRename,
  useCyclesByIdea,
} from '../pdsa/changeIdeas.ts';
import { revealBlock } from '../revealBlock.ts';
import { DraftInput, SyncedField, storedText } from '../SyncedField.tsx';
import { useBlockEditable } from '../useBlockEditable.ts';

const MAX_TEXT = 1_000;
const MAX_BRANCHES = 200;
const textOf = (value: unknown) => storedText(value, MAX_TEXT);

/** A branch as drawn, with its path of child indexes from the diagram. */
interface Drawn extends DriverBranch {
  uid: string;
  path: number[];
  children: Drawn[];
}

function branchesOf(node: PmNode, path: number[] = []): Drawn[] {
  const out: Drawn[] = [];
  // Three levels are drawn; anything deeper another client wrote is left out.
  if (path.length >= driverLevels.length) return out;
  node.forEach((child, _offset, index) => {
    if (index >= MAX_BRANCHES) return;
    const at = [...path, index];
    out.push({
      label: textOf(child.attrs.label),
      uid: textOf(child.attrs.uid),
      path: at,
      children: branchesOf(child, at),
    });
  });
  return out;
}

/** The position of the node at `path` inside the diagram at `pos`, with the node. */
function locate(diagram: PmNode, pos: number, path: number[]) {
  let node = diagram;
  let at = pos;
  for (const index of path) {
    if (index >= node.childCount) return null;
    at += 1;
    for (let i = 0; i < index; i++) at += node.child(i).nodeSize;
    node = node.child(index);
  }
  return { node, at };
}

function DriverDiagramView({ node, editor, getPos, updateAttributes }: ReactNodeViewProps) {
  const canEdit = useBlockEditable(editor);
  const primaries = branchesOf(node);
  const aim = textOf(node.attrs.aim);

  /** Runs an edit on the node at `path` as the document holds it now. */
  const at = (path: number[], edit: (found: { node: PmNode; at: number }) => void) => {
    const pos = getPos();
    const diagram = typeof pos === 'number' ? editor.state.doc.nodeAt(pos) : null;
    if (typeof pos !== 'number' || diagram?.type.name !== 'driverDiagram') return;
    const found = locate(diagram, pos, path);
    if (found) edit(found);
  };
  // The branch at a path is still the one drawn there if it has the same own id.
  const same = (b: Drawn, n: PmNode) => (b.uid ? n.attrs.uid === b.uid : true);
  const [said, setSaid] = useState('');
  const summaryRef = useRef<HTMLParagraphElement>(null);
  // The PDSA cycles testing each change idea, listed under it (live, with their stage).
  const cyclesByIdea = useCyclesByIdea(editor);
  const cyclesOf = (b: Drawn): CycleRef[] => {
    const cycles = b.uid ? cyclesByIdea[b.uid] : undefined;
    if (!cycles) return [];
    // Links find the first idea with the id: a pasted copy of it lists none.
    const pos = getPos();
    const diagram = typeof pos === 'number' ? editor.state.doc.nodeAt(pos) : null;
    const found = diagram && typeof pos === 'number' ? locate(diagram, pos, b.path) : null;
    return found && firstIdeaPos(editor.state.doc, b.uid) === found.at ? cycles : [];
  };
  const goToCycle = (b: Drawn, cycle: CycleRef) => {
    const pos = cyclePos(editor.state.doc, cycle.n, b.uid);
    if (pos === null || !revealBlock(editor, pos)) {
      setSaid('That PDSA cycle has just been changed or removed.');
    }
  };
  const rename = (b: Drawn, label: string) =>
    at(b.path, ({ node: n, at: p }) => {
      if (!same(b, n)) return;
      const { state, view } = editor;
      // A change idea's new words go to the PDSA cycles testing it in the same edit.
      view.dispatch(followRename(state.tr.setNodeMarkup(p, undefined, { ...n.attrs, label }), p));
    });
  const add = (parent: number[], level: DriverLevel, label: string) =>
    at(parent, ({ node: n, at: p }) => {
      const { state, view } = editor;
      const created = state.schema.nodes[level]?.create({ label, uid: newUid() });
      if (created) view.dispatch(state.tr.insert(p + n.nodeSize - 1, created));
      setSaid(`Added the ${driverLevelNames[level].one} “${label}”.`);
    });
  const remove = (b: Drawn) =>
    at(b.path, ({ node: n, at: p }) => {
      // Someone may have changed the diagram since it was drawn: only the same branch.
      if (!same(b, n) || textOf(n.attrs.label) !== b.label) return;
      const { state, view } = editor;
      view.dispatch(state.tr.delete(p, p + n.nodeSize));
      setSaid(`Removed “${b.label || 'the branch'}” and everything under it.`);
      // Its Remove button is gone: focus goes to the diagram's summary, not the page.
      requestAnimationFrame(() => summaryRef.current?.focus());
    });

  return (
    <NodeViewWrapper
      as="section"
      className="driver-diagram"
      aria-label="Driver diagram"
      contentEditable={false}
    >
      <p className="driver-diagram__title">
        <strong>Driver diagram</strong>: what drives the aim, and the ideas to change it.
      </p>
      <SyncedField
        label="Aim"
        value={aim}
        canEdit={canEdit}
        maxLength={MAX_TEXT}
        onChange={(v) => updateAttributes({ aim: v })}
      />
      <p className="driver-diagram__summary" ref={summaryRef} tabIndex={-1}>
        {describeDriverDiagram(primaries)}
      </p>
      <Branches
        branches={primaries}
        level={0}
        canEdit={canEdit}
        cyclesOf={cyclesOf}
        onGoToCycle={goToCycle}
        onRename={rename}
        onRemove={remove}
        onAdd={add}
        parentPath={[]}
        parentName="the aim"
      />
      <p className="driver-diagram__said" role="status">
        {said}
      </p>
    </NodeViewWrapper>
  );
}

function Branches({
  branches,
  level,
  canEdit,
  cyclesOf,
  onGoToCycle,
  onRename,
  onRemove,
  onAdd,
  parentPath,
  parentName,
}: {
  branches: Drawn[];
  level: number;
  canEdit: boolean;
  cyclesOf: (b: Drawn) => CycleRef[];
  onGoToCycle: (b: Drawn, cycle: CycleRef) => void;
  onRename: (b: Drawn, label: string) => void;
  onRemove: (b: Drawn) => void;
  onAdd: (parent: number[], level: DriverLevel, label: string) => void;
  parentPath: number[];
  parentName: string;
}) {
  const kind = driverLevels[level];
  if (!kind) return null;
  const names = driverLevelNames[kind];
  const List = level === 0 ? 'ol' : 'ul';
  return (
    <div className={`driver-diagram__level driver-diagram__level--${level}`}>
      {branches.length > 0 ? (
        <List aria-label={level === 0 ? names.many : `${names.many} of ${parentName}`}>
          {branches.map((b, i) => {
            const name = b.label ? `“${b.label}”` : `${names.one} ${i + 1}`;
            return (
              <li key={b.uid || b.path.join('.')}>
                {canEdit ? (
                  <div className="driver-diagram__branch">
                    <DraftInput
                      maxLength={MAX_TEXT}
                      label={`${names.one[0]?.toUpperCase()}${names.one.slice(1)} ${i + 1}${
                        level === 0 ? '' : ` of ${parentName}`
                      }`}
                      value={b.label}
                      onChange={(v) => onRename(b, v)}
                    />
                    <button
                      type="button"
                      className="button button--quiet"
                      onClick={() => onRemove(b)}
                    >
                      Remove
                      <span className="visually-hidden">
                        {' '}
                        the {names.one} {name}
                      </span>
                    </button>
                  </div>
                ) : (
                  <span className="driver-diagram__label">{b.label || `(${names.one})`}</span>
                )}
                {kind === 'changeIdea' ? (
                  <TestedBy
                    cycles={cyclesOf(b)}
                    ideaName={name}
                    onGoTo={(cycle) => onGoToCycle(b, cycle)}
                  />
                ) : null}
                <Branches
                  branches={b.children}
                  level={level + 1}
                  canEdit={canEdit}
                  cyclesOf={cyclesOf}
                  onGoToCycle={onGoToCycle}
                  onRename={onRename}
                  onRemove={onRemove}
                  onAdd={onAdd}
                  parentPath={b.path}
                  parentName={name}
                />
              </li>
            );
          })}
        </List>
      ) : null}
      {canEdit ? (
        <AddBranch
          label={level === 0 ? `Add a ${names.one}` : `Add a ${names.one} to ${parentName}`}
          onAdd={(text) => onAdd(parentPath, kind, text)}
        />
      ) : null}
    </div>
  );
}

/**
 * The PDSA cycles testing a change idea, each with its stage, each a button that moves the
 * caret and focus to the cycle in the document.
 */
function TestedBy({
  cycles,
  ideaName,
  onGoTo,
}: {
  cycles: readonly CycleRef[];
  ideaName: string;
  onGoTo: (cycle: CycleRef) => void;
}) {
  if (cycles.length === 0) return null;
  return (
    <ul className="driver-diagram__cycles" aria-label={`PDSA cycles testing ${ideaName}`}>
      {cycles.map((c) => (
        <li key={c.n}>
          <button type="button" className="button button--quiet" onClick={() => onGoTo(c)}>
            <span className="visually-hidden">Go to the PDSA cycle </span>
            {c.title || `untitled cycle ${c.n + 1}`}
          </button>{' '}
          <span className="driver-diagram__cycle-stage">(at {pdsaStageNames[c.stage]})</span>
        </li>
      ))}
    </ul>
  );
}

/** A one-line field and button that adds a branch; Enter adds too. */
function AddBranch({ label, onAdd }: { label: string; onAdd: (text: string) => void }) {
  const id = useId();
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const submit = () => {
    const words = text.trim();
    if (!words) {
      setProblem('Write it first, in a few words.');
      return;
    }
    onAdd(words.slice(0, MAX_TEXT));
    setText('');
    setProblem(null);
  };
  return (
    <div className="driver-diagram__add">
      <label className="visually-hidden" htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        className="field__input"
        placeholder={label}
        value={text}
        maxLength={MAX_TEXT}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            submit();
          }
        }}
        aria-describedby={problem ? `${id}-problem` : undefined}
      />
      <button type="button" className="button button--secondary" onClick={submit}>
        Add<span className="visually-hidden"> {label.replace(/^Add /, '')}</span>
      </button>
      {problem ? (
        <p id={`${id}-problem`} className="field__error" role="alert">
          {problem}
        </p>
      ) : null}
    </div>
  );
}

const branch = (name: DriverLevel, content: string) =>
  Node.create({
    name,
    atom: true,
    selectable: false,
    content,
    addAttributes() {
      return { label: { default: '' }, uid: { default: '' } };
    },
    parseHTML() {
      return [{ tag: `div[data-${name}]` }];
    },
    renderHTML({ HTMLAttributes }) {
      return ['div', { ...HTMLAttributes, [`data-${name}`]: '' }, 0];
    },
  });

export const PrimaryDriver = branch('primaryDriver', 'secondaryDriver*');
export const SecondaryDriver = branch('secondaryDriver', 'changeIdea*');
export const ChangeIdea = Node.create({
  name: 'changeIdea',
  atom: true,
  selectable: false,
  addAttributes() {
    return { label: { default: '' }, uid: { default: '' } };
  },
  parseHTML() {
    return [{ tag: 'div[data-changeIdea]' }];
  },
  renderHTML({ HTMLAttributes }) {
    return ['div', { ...HTMLAttributes, 'data-changeIdea': '' }];
  },
});

/** The diagram with its view, for the editor. */
export const DriverDiagram = Node.create({
  name: 'driverDiagram',
  group: 'block',
  content: 'primaryDriver*',
  atom: true,
  selectable: true,
  draggable: false,
  isolating: true,
  addAttributes() {
    return { aim: { default: '' } };
  },
  parseHTML() {
    return [{ tag: 'section[data-driver-diagram]' }];
  },
  renderHTML({ HTMLAttributes }) {
    return ['section', { ...HTMLAttributes, 'data-driver-diagram': '' }, 0];
  },
  addNodeView() {
    return ReactNodeViewRenderer(DriverDiagramView);
  },
});
