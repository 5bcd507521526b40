import { InitialSchema1763900000000 } from './1763900000000-initial-schema';
import { DepartmentMessages1764200000000 } from './1764200000000-department-messages';
import { Reporting1764300000000 } from './1764300000000-reporting';
import { ChatTranscripts1764700000000 } from './1764700000000-chat-transcripts';
import { AuditEntries1765100000000 } from './1765100000000-audit-entries';
import { UsersAndTokens1765100000001 } from './1765100000001-users-and-tokens';
import { OperatorSupervises1765300000000 } from './1765300000000-operator-supervises';
import { OperatorCapacity1765400000000 } from './1765400000000-operator-capacity';
import { Privacy1765500000000 } from './1765500000000-privacy';
import { ContactCallback1765600000000 } from './1765600000000-contact-callback';
import { NoteClientId1765750000000 } from './1765750000000-note-client-id';
import { ContactProviderAccount1765800000000 } from './1765800000000-contact-provider-account';
import { ContactReadIndexes1765900000000 } from './1765900000000-contact-read-indexes';

/** Every migration, oldest first. Add new ones at the end; never edit one that has shipped. */
export const MIGRATIONS = [
  InitialSchema1763900000000,
  DepartmentMessages1764200000000,
  Reporting1764300000000,
  ChatTranscripts1764700000000,
  AuditEntries1765100000000,
  UsersAndTokens1765100000001,
  OperatorCapacity1765400000000,
  OperatorSupervises1765300000000,
  Privacy1765500000000,
  ContactCallback1765600000000,
  NoteClientId1765750000000,
  ContactProviderAccount1765800000000,
  ContactReadIndexes1765900000000,
];
