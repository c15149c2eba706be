// The lossless model of a systemd unit file (systemd.syntax(7), systemd.unit(5)).
// Every physical line of the source belongs to exactly one node, so formatting an unchanged model
// reproduces the original bytes. Positions are 1-based; `endColumn` is exclusive.

export interface SourceRange {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

interface NodeBase {
  /** The exact source text of the node's physical lines, without the final line terminator.
   *  `undefined` for nodes created or changed by an edit: the formatter renders them cleanly. */
  raw?: string;
  /** Where the node was in the source; absent for nodes created by an edit. */
  range?: SourceRange;
}

export interface BlankNode extends NodeBase { type: 'blank' }
export interface CommentNode extends NodeBase { type: 'comment'; /** text after the # or ; */ text: string }
export interface SectionHeaderNode extends NodeBase { type: 'section'; name: string }
export interface EntryNode extends NodeBase {
  type: 'entry';
  key: string;
  /** The logical value as systemd sees it: leading/trailing whitespace stripped, continuation
   *  lines joined with one space, comment lines inside a continuation skipped. */
  value: string;
  /** Range of the key, and of the value's first character to its end (for diagnostics). */
  keyRange?: SourceRange;
  valueRange?: SourceRange;
}
/** A line systemd would reject or ignore with a warning (e.g. no `=`, assignment before any section). */
export interface InvalidNode extends NodeBase { type: 'invalid'; message: string }

export type UnitNode = BlankNode | CommentNode | SectionHeaderNode | EntryNode | InvalidNode;

export interface UnitSection {
  name: string;
  header: SectionHeaderNode;
  /** Nodes after the header up to the next header, in file order. */
  nodes: UnitNode[];
}

export interface UnitFileProblem {
  file?: string;
  line: number;
  column: number;
  message: string;
}

export interface UnitFile {
  path?: string;
  /** Nodes before the first section header (comments, blanks, stray lines). */
  preamble: UnitNode[];
  sections: UnitSection[];
  /** Line terminator used by the source ('\n' unless the file used '\r\n'). */
  newline: '\n' | '\r\n';
  /** Whether the source ended with a line terminator. */
  finalNewline: boolean;
  /** Whether the source started with a UTF-8 byte order mark (systemd skips it). */
  bom?: boolean;
  /** Parse problems, e.g. lines that are not assignments. Parsing never throws. */
  problems: UnitFileProblem[];
}
