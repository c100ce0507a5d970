import type { Message } from '../../../shared/api';
import { t } from '../i18n';
import { lookOf } from './attachment-files';

/**
 * A message's text where one line stands for it (chat list preview, reply
 * quote, notification, screen-reader announcement): its body, or for a
 * message of files alone what it carries ("Photo", "Voice note", "3
 * attachments"). File names stay out: a preview or notification is seen
 * by more eyes than the chat.
 */
export function messageSummary(message: Pick<Message, 'body' | 'attachments'>): string {
  const body = (message.body ?? '').replace(/\s+/g, ' ').trim();
  if (body) return body;
  const attachments = message.attachments ?? [];
  if (attachments.length === 0) return '';
  if (attachments.length > 1) return t('attachment.summary.many', { count: attachments.length });
  const only = attachments[0]!;
  if (only.voiceNote) return t('attachment.summary.voiceNote');
  const look = lookOf(only);
  return look === 'image' ? t('attachment.summary.photo') : look === 'audio' ? t('attachment.summary.audio') : t('attachment.summary.file');
}
