import type { Settings } from '../../../shared/api';

export interface NotificationText {
  title: string;
  body: string;
}

/**
 * What a new-message notification may say, per the person's choice: the
 * sender and the text, the sender only, or nothing but that something came.
 */
export function notificationText(content: Settings['notificationContent'], sender: string, body: string | null, words: { appName: string; newMessage: string }): NotificationText {
  switch (content) {
    case 'name-and-message':
      return { title: sender, body: body ?? words.newMessage };
    case 'name-only':
      return { title: sender, body: words.newMessage };
    case 'none':
      return { title: words.appName, body: words.newMessage };
  }
}
