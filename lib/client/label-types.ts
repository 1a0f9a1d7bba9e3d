// The JSON shapes of the label, queue and account routes as the browser receives them: the server's
// own types through Json (dates as strings), type-only imports that leave the bundle.
import type { Json, JsonOf } from '@/lib/server/json';
import type { ApiKeyView } from '@/lib/server/api-keys';
import type { LabelWritten as ServerLabelWritten, StaleVersion as ServerStaleVersion, judgmentHistory } from '@/lib/server/labels';
import type { JudgmentView, LabelView } from '@/lib/server/queries/judgment';
import type { AnnotatorProgress as ServerAnnotatorProgress, ItemDetail, QueueSummary as ServerQueueSummary, createQueue } from '@/lib/server/queues';
import type { UserView } from '@/lib/server/users';

export type LabelEvent = Json<LabelView>;
export type JudgmentState = Json<JudgmentView>;
export type LabelHistory = JsonOf<typeof judgmentHistory>;
export type LabelWritten = Json<ServerLabelWritten>;
/** What a 409 on a label carries in error.details. */
export type StaleVersion = Json<ServerStaleVersion>;

export type QueueSummary = Json<ServerQueueSummary>;
/** POST /api/queues: the queue, and whether the selection was more than a queue may hold. */
export type QueueCreated = JsonOf<typeof createQueue>;
export type AnnotatorProgress = Json<ServerAnnotatorProgress>;
export type QueueItem = Json<ItemDetail>;

export type UserRow = Json<UserView>;
export type ApiKeyRow = Json<ApiKeyView>;
