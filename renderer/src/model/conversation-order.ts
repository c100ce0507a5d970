import type { ConversationSummary } from '../../../shared/api';

/** When a chat last saw activity: its newest message, else when it changed. */
export function activityTime(conversation: ConversationSummary): number {
  const last = conversation.lastMessage;
  return last ? Math.max(last.sentAt, last.receivedAt) : conversation.updatedAt;
}

/** Most recent activity first; ties by title, so the order is stable. */
export function sortConversations(conversations: Iterable<ConversationSummary>): ConversationSummary[] {
  return [...conversations].sort((a, b) => activityTime(b) - activityTime(a) || a.title.localeCompare(b.title));
}
