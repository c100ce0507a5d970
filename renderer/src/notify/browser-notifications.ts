import { t } from '../i18n';
import { notificationText } from '../model/notification-text';
import type { MessengerStore } from '../state/messenger-store';
import { messageSummary } from '../model/attachment-summary';
import { isWindowActive } from '../ui/common/use-window-active';

export type NotificationPermissionState = NotificationPermission | 'unsupported';

export function notificationPermission(): NotificationPermissionState {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/** Browsers only ask from a user action, so this runs from a button in Settings. */
export async function requestNotificationPermission(): Promise<NotificationPermissionState> {
  if (typeof Notification === 'undefined') return 'unsupported';
  return Notification.requestPermission();
}

/**
 * New-message notifications in the browser host (Electron's shell shows
 * native ones from the core's events itself): only for messages from
 * others, only while the window is in the background or another chat is
 * open, and saying no more than the person's setting allows.
 */
export function startMessageNotifications(messenger: MessengerStore): () => void {
  return messenger.client.on('messages.onDidAdd', ({ message }) => {
    if (message.direction !== 'incoming' || message.kind !== 'text') return;
    if (notificationPermission() !== 'granted') return;
    const state = messenger.getSnapshot();
    if (isWindowActive() && state.activeConversationId === message.conversationId) return;
    const conversation = messenger.conversation(message.conversationId);
    const sender = conversation?.title ?? message.authorId ?? t('app.name');
    const text = notificationText(state.settings?.notificationContent ?? 'name-only', sender, messageSummary(message) || null, { appName: t('app.name'), newMessage: t('notification.newMessage') });
    // The tag folds a burst from one chat into one notification.
    const shown = new Notification(text.title, { body: text.body, tag: message.conversationId, silent: false });
    shown.onclick = () => {
      window.focus();
      messenger.openConversation(message.conversationId);
      shown.close();
    };
  });
}
