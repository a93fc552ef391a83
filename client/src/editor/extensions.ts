import type { AnyExtension } from '@tiptap/core';
import Collaboration from '@tiptap/extension-collaboration';
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import { TableKit } from '@tiptap/extension-table';
import StarterKit from '@tiptap/starter-kit';
import type { DocumentConnection } from '../sync/connectDocument.ts';
import { ActionLogWithView } from './actionLog/ActionLogView.tsx';
import { ActionItem } from './actionLog/actionLogNodes.ts';
import { Charter, ProposedService, ServiceHeader } from './cards/CardView.tsx';
import { CaretAfterTyping } from './caretAfterTyping.ts';
import { DecisionItem, DecisionLog } from './decisionLog/DecisionLogView.tsx';
import { DocumentEnds } from './documentEnds.ts';
import {
  ChangeIdea,
  DriverDiagram,
  PrimaryDriver,
  SecondaryDriver,
} from './driverDiagram/DriverDiagramView.tsx';
import { EvidenceItem, EvidenceList } from './evidence/EvidenceView.tsx';
import { EvidenceLink } from './evidence/evidenceLinkNodes.ts';
import { ParticipantItem, ParticipantList } from './participants/ParticipantsView.tsx';
import { PdsaCycleWithView } from './pdsa/PdsaCycleView.tsx';
import { ReadPendingInput } from './pendingInput.ts';
import { PriorityListWithView } from './priorities/PrioritiesView.tsx';
import { PriorityItem } from './priorities/priorityNodes.ts';
import { RunChartWithView } from './runChart/RunChartView.tsx';
import { DataPoint } from './runChart/runChartNodes.ts';

export interface CaretUser {
  name: string;
  color: string;
  /** The participant role label, shown in one's own presence entry. */
  role?: string;
}

/**
 * A remote caret with its name label. The label is hidden from assistive technology:
 * it sits inside the text and would otherwise be read out as part of the document; the
 * presence list says who is here instead.
 */
function renderCaret(user: Record<string, unknown>): HTMLElement {
  const name = typeof user.name === 'string' ? user.name : 'Someone';
  const color = typeof user.color === 'string' ? user.color : '#374151';
  const caret = document.createElement('span');
  caret.classList.add('collaboration-carets__caret');
  caret.setAttribute('aria-hidden', 'true');
  caret.style.borderColor = color;
  const label = document.createElement('span');
  label.classList.add('collaboration-carets__label');
  label.style.backgroundColor = color;
  label.textContent = name;
  caret.append(label);
  return caret;
}

/**
 * The extensions that make up the document's schema. The server refuses any name they do
 * not define (`editorContent` in the shared package; a test keeps the two equal).
 */
export function contentExtensions(): AnyExtension[] {
  return [
    StarterKit.configure({
      // Collaboration brings its own Yjs-aware undo; the plain history would fight it.
      undoRedo: false,
      link: { openOnClick: false, autolink: true, defaultProtocol: 'https' },
    }),
    TableKit.configure({ table: { resizable: false } }),
    RunChartWithView,
    DataPoint,
    PdsaCycleWithView,
    ActionLogWithView,
    ActionItem,
    PriorityListWithView,
    PriorityItem,
    Charter,
    ServiceHeader,
    ProposedService,
    DriverDiagram,
    PrimaryDriver,
    SecondaryDriver,
    ChangeIdea,
    EvidenceList,
    EvidenceItem,
    DecisionLog,
    DecisionItem,
    EvidenceLink,
    ParticipantList,
    ParticipantItem,
  ];
}

export function editorExtensions(connection: DocumentConnection, user: CaretUser): AnyExtension[] {
  return [
    ...contentExtensions(),
    Collaboration.configure({ document: connection.doc }),
    CollaborationCaret.configure({
      provider: connection.provider,
      user: { name: user.name, color: user.color, role: user.role ?? '' },
      render: renderCaret,
    }),
    CaretAfterTyping,
    DocumentEnds,
    ReadPendingInput,
  ];
}
