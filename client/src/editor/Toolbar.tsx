import type { DocumentKind } from '@chorus/shared';
import { type Editor, useEditorState } from '@tiptap/react';
import { type KeyboardEvent, type ReactNode, useRef, useState } from 'react';
import { LinkForm } from './LinkForm.tsx';
import { readPendingInput } from './pendingInput.ts';
import { describeShortcut } from './shortcuts.ts';
import { isSuggesting } from './suggesting/suggestingMode.ts';

interface ToolbarProps {
  editor: Editor;
  editable: boolean;
  /** The document's kind; without it every structured block is offered. */
  kind?: DocumentKind | undefined;
}

/**
 * The structured blocks each kind of document offers (a run chart fits any of them). A
 * block already in a document still shows wherever it is, whatever the kind.
 */
const blocksFor: Record<DocumentKind, ReadonlySet<string>> = {
  improvement_plan: new Set(['runChart', 'pdsaCycle', 'actionLog', 'charter', 'driverDiagram']),
  service_design: new Set([
    'runChart',
    'serviceHeader',
    'participants',
    'evidence',
    'priorities',
    'proposedService',
    'decisionLog',
  ]),
  procurement_evaluation: new Set(['runChart']),
};
/** Every structured block, offered when the kind is not known. */
const structured = new Set(Object.values(blocksFor).flatMap((blocks) => [...blocks]));

interface ToolButtonSpec {
  id: string;
  name: string;
  /** What the button shows; the accessible name is `name`. */
  face: ReactNode;
  shortcut?: string;
  pressed?: boolean;
  expanded?: boolean;
  controls?: string;
  enabled: boolean;
  run: () => void;
}

const LINK_FORM_ID = 'editor-link-form';

/**
 * The formatting toolbar. One Tab stop, arrow keys between buttons (the ARIA toolbar
 * pattern), so keyboard users are not made to tab through eleven buttons to reach text.
 */
export function Toolbar({ editor, editable, kind }: ToolbarProps) {
  const [linkOpen, setLinkOpen] = useState(false);
  const [activeIndex, setActiveIndex] = useState(0);
  const buttonRefs = useRef<Array<HTMLButtonElement | null>>([]);
  const linkButtonRef = useRef<HTMLButtonElement | null>(null);

  const state = useEditorState({
    editor,
    selector: ({ editor: e }) => ({
      h1: e.isActive('heading', { level: 1 }),
      h2: e.isActive('heading', { level: 2 }),
      h3: e.isActive('heading', { level: 3 }),
      bold: e.isActive('bold'),
      italic: e.isActive('italic'),
      bulletList: e.isActive('bulletList'),
      orderedList: e.isActive('orderedList'),
      link: e.isActive('link'),
      inTable: e.isActive('table'),
      canUndo: e.can().undo(),
      canRedo: e.can().redo(),
      suggesting: isSuggesting(e.state),
    }),
  });
  // While suggesting, only words are suggested: formatting and blocks would change the text.
  const canChange = editable && !state.suggesting;

  const chain = () => {
    readPendingInput(editor.view);
    return editor.chain().focus();
  };
  const allButtons: ToolButtonSpec[] = [
    ...([1, 2, 3] as const).map((level) => ({
      id: `h${level}`,
      name: `Heading ${level}`,
      face: `H${level}`,
      shortcut: `Mod-Alt-${level}`,
      pressed: state[`h${level}`],
      enabled: canChange,
      run: () => chain().toggleHeading({ level }).run(),
    })),
    {
      id: 'bold',
      name: 'Bold',
      face: <b>B</b>,
      shortcut: 'Mod-b',
      pressed: state.bold,
      enabled: canChange,
      run: () => chain().toggleBold().run(),
    },
    {
      id: 'italic',
      name: 'Italic',
      face: <i>I</i>,
      shortcut: 'Mod-i',
      pressed: state.italic,
      enabled: canChange,
      run: () => chain().toggleItalic().run(),
    },
    {
      id: 'bulletList',
      name: 'Bulleted list',
      face: '• List',
      shortcut: 'Mod-Shift-8',
      pressed: state.bulletList,
      enabled: canChange,
      run: () => chain().toggleBulletList().run(),
    },
    {
      id: 'orderedList',
      name: 'Numbered list',
      face: '1. List',
      shortcut: 'Mod-Shift-7',
      pressed: state.orderedList,
      enabled: canChange,
      run: () => chain().toggleOrderedList().run(),
    },
    {
      id: 'link',
      name: 'Link',
      face: 'Link',
      expanded: linkOpen,
      controls: LINK_FORM_ID,
      enabled: canChange,
      run: () => setLinkOpen((open) => !open),
    },
    {
      id: 'table',
      name: 'Insert table',
      face: 'Table',
      enabled: canChange && !state.inTable,
      run: () => chain().insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run(),
    },
    {
      id: 'runChart',
      name: 'Insert run chart',
      face: 'Run chart',
      enabled: canChange && !state.inTable,
      run: () => chain().insertContent({ type: 'runChart' }).run(),
    },
    {
      id: 'pdsaCycle',
      name: 'Insert PDSA cycle',
      face: 'PDSA cycle',
      enabled: canChange && !state.inTable,
      run: () => chain().insertContent({ type: 'pdsaCycle' }).run(),
    },
    {
      id: 'actionLog',
      name: 'Insert action log',
      face: 'Action log',
      enabled: canChange && !state.inTable,
      run: () => chain().insertContent({ type: 'actionLog' }).run(),
    },
    {
      id: 'evidence',
      name: 'Insert experience evidence',
      face: 'Evidence',
      enabled: canChange && !state.inTable,
      run: () => chain().insertContent({ type: 'evidenceList' }).run(),
    },
    {
      id: 'priorities',
      name: 'Insert priorities',
      face: 'Priorities',
      enabled: canChange && !state.inTable,
      run: () => chain().insertContent({ type: 'priorityList' }).run(),
    },
    {
      id: 'decisionLog',
      name: 'Insert decision log',
      face: 'Decision log',
      enabled: canChange && !state.inTable,
      run: () => chain().insertContent({ type: 'decisionLog' }).run(),
    },
    {
      id: 'charter',
      name: 'Insert charter',
      face: 'Charter',
      enabled: canChange && !state.inTable,
      run: () => chain().insertContent({ type: 'charter' }).run(),
    },
    {
      id: 'driverDiagram',
      name: 'Insert driver diagram',
      face: 'Driver diagram',
      enabled: canChange && !state.inTable,
      run: () => chain().insertContent({ type: 'driverDiagram' }).run(),
    },
    {
      id: 'serviceHeader',
      name: 'Insert service details',
      face: 'Service details',
      enabled: canChange && !state.inTable,
      run: () => chain().insertContent({ type: 'serviceHeader' }).run(),
    },
    {
      id: 'participants',
      name: 'Insert participants',
      face: 'Participants',
      enabled: canChange && !state.inTable,
      run: () => chain().insertContent({ type: 'participantList' }).run(),
    },
    {
      id: 'proposedService',
      name: 'Insert proposed service',
      face: 'Proposed service',
      enabled: canChange && !state.inTable,
      run: () => chain().insertContent({ type: 'proposedService' }).run(),
    },
    {
      id: 'undo',
      name: 'Undo',
      face: 'Undo',
      shortcut: 'Mod-z',
      enabled: canChange && state.canUndo,
      run: () => chain().undo().run(),
    },
    {
      id: 'redo',
      name: 'Redo',
      face: 'Redo',
      shortcut: 'Mod-Shift-z',
      enabled: canChange && state.canRedo,
      run: () => chain().redo().run(),
    },
  ];
  const offered = kind ? blocksFor[kind] : structured;
  const buttons = allButtons.filter((b) => !structured.has(b.id) || offered.has(b.id));

  // The tab stop must land on a button that can take focus.
  const enabledIndexes = buttons.flatMap((button, index) => (button.enabled ? [index] : []));
  const tabStop = enabledIndexes.includes(activeIndex) ? activeIndex : (enabledIndexes[0] ?? -1);

  const moveFocus = (event: KeyboardEvent<HTMLDivElement>) => {
    const position = enabledIndexes.indexOf(tabStop);
    if (position === -1) return;
    let next: number | undefined;
    if (event.key === 'ArrowRight') next = enabledIndexes[(position + 1) % enabledIndexes.length];
    else if (event.key === 'ArrowLeft')
      next = enabledIndexes[(position - 1 + enabledIndexes.length) % enabledIndexes.length];
    else if (event.key === 'Home') next = enabledIndexes[0];
    else if (event.key === 'End') next = enabledIndexes[enabledIndexes.length - 1];
    if (next === undefined) return;
    event.preventDefault();
    setActiveIndex(next);
    buttonRefs.current[next]?.focus();
  };

  const closeLinkForm = () => {
    setLinkOpen(false);
    linkButtonRef.current?.focus();
  };

  return (
    <div className="toolbar-area">
      <div className="toolbar" role="toolbar" aria-label="Formatting" onKeyDown={moveFocus}>
        {buttons.map((button, index) => {
          const shortcut = button.shortcut ? describeShortcut(button.shortcut) : null;
          return (
            <button
              key={button.id}
              ref={(element) => {
                buttonRefs.current[index] = element;
                if (button.id === 'link') linkButtonRef.current = element;
              }}
              type="button"
              className={`toolbar__button toolbar__button--${button.id}`}
              tabIndex={index === tabStop ? 0 : -1}
              disabled={!button.enabled}
              aria-pressed={button.pressed}
              aria-expanded={button.expanded}
              aria-controls={button.expanded ? button.controls : undefined}
              aria-keyshortcuts={shortcut?.aria}
              title={shortcut ? `${button.name} (${shortcut.hint})` : button.name}
              onFocus={() => setActiveIndex(index)}
              // A mouse click leaves the focus, and the caret, in the text, as in other
              // editors; otherwise keys typed just after the click went to the button.
              // Keyboard users still reach the buttons with Tab. The link button takes the
              // focus as before: it opens a form, and closing it returns the focus there.
              onMouseDown={button.id === 'link' ? undefined : (event) => event.preventDefault()}
              onClick={button.run}
            >
              <span aria-hidden="true">{button.face}</span>
              <span className="visually-hidden">{button.name}</span>
            </button>
          );
        })}
      </div>
      {editable && state.suggesting ? (
        <p className="toolbar__note">
          Suggesting: formatting and blocks are off. Turn off “Suggest by typing” beside the
          document to edit directly.
        </p>
      ) : null}
      {linkOpen && canChange ? (
        <LinkForm id={LINK_FORM_ID} editor={editor} onClose={closeLinkForm} />
      ) : null}
    </div>
  );
}
