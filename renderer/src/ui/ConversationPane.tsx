import type { ReactElement } from 'react';
import { t } from '../i18n';
import { Icon } from './Icon';
import './ConversationPane.css';

/** The right-hand pane in the Chats view. With no chat open it says what Hearth promises. */
export function ConversationPane(): ReactElement {
  return (
    <div className="conversation-pane conversation-pane--empty">
      <div className="conversation-pane__badge">
        <Icon name="lock" />
      </div>
      <h2 className="conversation-pane__title">{t('conversation.none.title')}</h2>
      <p className="conversation-pane__body">{t('conversation.none.body')}</p>
    </div>
  );
}
