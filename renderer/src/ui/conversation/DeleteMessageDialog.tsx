import type { ReactElement } from 'react';
import type { Message } from '../../../../shared/api';
import { t } from '../../i18n';
import { ConfirmDialog } from '../common/ConfirmDialog';

/**
 * Delete a message: for me (this device only) or, for your own messages
 * within 24 hours, for everyone (a tombstone on every side). Cancel is
 * focused first.
 */
export function DeleteMessageDialog({ message, forEveryone, onDelete, onClose }: { message: Message; forEveryone: boolean; onDelete: (message: Message, forEveryone: boolean) => Promise<void>; onClose: () => void }): ReactElement {
  const forMe = { label: t('delete.forMe'), run: () => onDelete(message, false) };
  const everyone = { label: t('delete.forEveryone'), run: () => onDelete(message, true) };
  return <ConfirmDialog title={t('delete.title')} body={forEveryone ? t('delete.body') : t('delete.bodyForMe')} actions={forEveryone ? [forMe, everyone] : [forMe]} onClose={onClose} />;
}
