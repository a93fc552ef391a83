import {
  aimGaps,
  type CardKind,
  COPRODUCTION_FIELD,
  type CoproductionLevel,
  charterCard,
  coproductionLevelNames,
  coproductionLevels,
  proposedServiceCard,
  serviceHeaderCard,
} from '@chorus/shared';
import { Node } from '@tiptap/core';
import { NodeViewWrapper, type ReactNodeViewProps, ReactNodeViewRenderer } from '@tiptap/react';
import { useId } from 'react';
import { RadioGroup } from '../../ui/RadioGroup.tsx';
import { SyncedField, storedText } from '../SyncedField.tsx';
import { useBlockEditable } from '../useBlockEditable.ts';

const MAX_TEXT = 4_000;
const textOf = (value: unknown) => storedText(value, MAX_TEXT);

/**
 * A card of fixed fields in the document (an improvement plan's charter, a service
 * design's header and proposed service): one element whose fields are attributes, edited in place by editors
 * and read by everyone else.
 */
function CardView({
  card,
  withLevel,
  node,
  editor,
  updateAttributes,
}: ReactNodeViewProps & { card: CardKind; withLevel: boolean }) {
  const canEdit = useBlockEditable(editor);
  const levelName = useId();
  const level = textOf(node.attrs[COPRODUCTION_FIELD]);
  const known = (coproductionLevels as readonly string[]).includes(level)
    ? (level as CoproductionLevel)
    : '';
  return (
    <NodeViewWrapper as="section" className="card" aria-label={card.title} contentEditable={false}>
      <p className="card__title">
        <strong>{card.title}</strong>
      </p>
      {card.fields.map((field) => {
        const value = textOf(node.attrs[field.key]);
        const gap = field.key === 'aim' ? aimGaps(value) : null;
        return (
          <div key={field.key}>
            <SyncedField
              label={field.label}
              // What the aim still lacks is read out with the field, after its guidance.
              hint={gap ? `${field.hint} ${gap}` : field.hint}
              value={value}
              canEdit={canEdit}
              multiline={field.multiline ?? false}
              maxLength={MAX_TEXT}
              onChange={(v) => updateAttributes({ [field.key]: v })}
            />
          </div>
        );
      })}
      {withLevel ? (
        canEdit ? (
          <RadioGroup
            legend="How far co-production goes"
            name={levelName}
            options={coproductionLevels.map((l) => ({
              value: l,
              label: coproductionLevelNames[l],
            }))}
            value={known}
            onChange={(l) => updateAttributes({ [COPRODUCTION_FIELD]: l })}
          />
        ) : (
          <p>
            <strong>How far co-production goes:</strong>{' '}
            {known ? coproductionLevelNames[known] : 'not chosen yet'}
          </p>
        )
      ) : null}
    </NodeViewWrapper>
  );
}

function CharterView(props: ReactNodeViewProps) {
  return <CardView card={charterCard} withLevel={false} {...props} />;
}

function ServiceHeaderView(props: ReactNodeViewProps) {
  return <CardView card={serviceHeaderCard} withLevel {...props} />;
}

function ProposedServiceView(props: ReactNodeViewProps) {
  return <CardView card={proposedServiceCard} withLevel={false} {...props} />;
}

function cardNode(card: CardKind, attributes: readonly string[]) {
  return Node.create({
    name: card.name,
    group: 'block',
    atom: true,
    selectable: true,
    draggable: false,
    addAttributes() {
      return Object.fromEntries(attributes.map((key) => [key, { default: '' }]));
    },
    parseHTML() {
      return [{ tag: `section[data-card="${card.name}"]` }];
    },
    renderHTML({ HTMLAttributes }) {
      return ['section', { ...HTMLAttributes, 'data-card': card.name }];
    },
  });
}

export const Charter = cardNode(
  charterCard,
  charterCard.fields.map((f) => f.key),
).extend({
  addNodeView() {
    return ReactNodeViewRenderer(CharterView);
  },
});

export const ServiceHeader = cardNode(serviceHeaderCard, [
  ...serviceHeaderCard.fields.map((f) => f.key),
  COPRODUCTION_FIELD,
]).extend({
  addNodeView() {
    return ReactNodeViewRenderer(ServiceHeaderView);
  },
});

export const ProposedService = cardNode(
  proposedServiceCard,
  proposedServiceCard.fields.map((f) => f.key),
).extend({
  addNodeView() {
    return ReactNodeViewRenderer(ProposedServiceView);
  },
});
