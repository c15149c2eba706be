// What lint and inspect were given: a directory, an OCI layout or archive, or a package artifact by
// its magic (sniff.ts). Apart from sniff.ts because recognising an OCI archive lists a tar, which the
// generator's path never needs (and the OCI reader itself unpacks through extract.ts).
import { realpathSync, statSync } from 'node:fs';
import { isOciArchive } from './oci-read.ts';
import { type ArtifactFormat, isOciLayoutDir, sniffFile } from './sniff.ts';

/** What `composable lint` and `inspect` may be given, by content. */
export type InputArtifact = ArtifactFormat | 'oci-layout' | 'oci-archive' | 'directory';

/**
 * What the path is: an OCI layout directory, another directory, an OCI archive (a tar with an
 * `oci-layout` member), or a tar, tar.gz, squashfs or erofs file; undefined for anything else.
 * Follows a symlink the caller gave (it is the user's own path).
 */
export function sniffArtifact(path: string): InputArtifact | undefined {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch {
    return undefined;
  }
  if (st.isDirectory()) return isOciLayoutDir(path) ? 'oci-layout' : 'directory';
  if (!st.isFile()) return undefined;
  const format = sniffFile(realpathSync(path));
  if ((format === 'tar' || format === undefined) && isOciArchive(path)) return 'oci-archive';
  return format;
}
