import { InitialSchema1763900000000 } from './1763900000000-initial-schema';
import { ChatTranscripts1764700000000 } from './1764700000000-chat-transcripts';

/** Every migration, oldest first. Add new ones at the end; never edit one that has shipped. */
export const MIGRATIONS = [InitialSchema1763900000000, ChatTranscripts1764700000000];
