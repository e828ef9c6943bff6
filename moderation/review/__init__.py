"""What moderators read and do: the queue, their actions, their tokens, the audit trail."""
