// The lossless model of a systemd unit file (systemd.syntax(7), systemd.unit(5)).
// Every physical line of the source belongs to exactly one node, so formatting an unchanged model
// reproduces the original bytes. Positions are 1-based; `endColumn` is exclusive; columns count
// UTF-16 code units (JavaScript string indices; SARIF's default column kind), and on the first
// line they start after a byte order mark.

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
  /** The line terminator that followed the node's last physical line in the source (`\n`,
   *  `\r\n`, `\r`, ... or `''` at the end of a file without a final newline). Absent for nodes
   *  created or changed by an edit: they get the file's `newline`. */
  eol?: string;
}

export interface BlankNode extends NodeBase {
  type: 'blank';
}
export interface CommentNode extends NodeBase {
  type: 'comment' /** text after the # or ; */;
  text: string;
}
export interface SectionHeaderNode extends NodeBase {
  type: 'section';
  name: string;
}
export interface EntryNode extends NodeBase {
  type: 'entry';
  key: string;
  /** The logical value as systemd sees it: leading/trailing whitespace stripped; a line ending in
   *  a backslash has the backslash replaced by one space and the next line appended as it is
   *  (its leading whitespace kept); comment lines inside a continuation skipped. */
  value: string;
  /** Range of the key, and of the value's first character to its end (for diagnostics). */
  keyRange?: SourceRange;
  valueRange?: SourceRange;
}
/** A line systemd would reject or ignore with a warning (e.g. no `=`, assignment before any section). */
export interface InvalidNode extends NodeBase {
  type: 'invalid';
  message: string;
}

export type UnitNode = BlankNode | CommentNode | SectionHeaderNode | EntryNode | InvalidNode;

export interface UnitSection {
  name: string;
  header: SectionHeaderNode;
  /** Nodes after the header up to the next header, in file order. */
  nodes: UnitNode[];
  /** The file the section was read from (the `path` given to parseUnitFile), so entries of a
   *  merged unit (mergeDropIns) can be traced back to their drop-in. */
  file?: string;
}

export interface UnitFileProblem {
  file?: string;
  line: number;
  column: number;
  /** End of the offending text (exclusive), when known. */
  endLine?: number;
  endColumn?: number;
  message: string;
  /** What systemd does: `error`, it stops reading the file there (a unit file then fails to
   *  load; a drop-in keeps the assignments before the line); `warning`, it logs and ignores the line. */
  severity?: 'error' | 'warning';
}

export interface UnitFile {
  path?: string;
  /** Nodes before the first section header (comments, blanks, stray lines). */
  preamble: UnitNode[];
  sections: UnitSection[];
  /** Line terminator for lines added by edits: the source's first line terminator when that
   *  is '\r\n', otherwise '\n'. Nodes read from the source keep their own terminator (`eol`). */
  newline: '\n' | '\r\n';
  /** Whether the source ended with a line terminator. */
  finalNewline: boolean;
  /** Whether the source started with a UTF-8 byte order mark (systemd skips it). */
  bom?: boolean;
  /** Parse problems, e.g. lines that are not assignments. Parsing never throws. */
  problems: UnitFileProblem[];
}
