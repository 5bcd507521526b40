/** A person or department callers may ask for by name. Extra fields (email, department...) are kept. */
export interface DirectoryEntry {
  id: string;
  name: string;
  kind: 'person' | 'department';
  aliases?: string[];
  extension?: string;
  phone?: string;
  [key: string]: unknown;
}

export interface DirectoryMatch {
  entry: DirectoryEntry;
  /** 0..1: how sure the matcher is that the caller asked for this entry. */
  score: number;
}
