#!/bin/sh
# composable-generator (rendered) NORMAL [EARLY LATE] — systemd.generator(7) entry point for images
# without node. The host rendered the unit tree with the same planner the node generator runs
# (`composable render`) and the engine bound it read-only at /run/composable/render; this script
# checks that the render fits this boot (render.checks: the metadata's digest, packages present,
# no container unit of a rendered name, CAP_SYS_ADMIN as planned) and then links it into NORMAL.
# When it does not fit, nothing of it is enabled: status.json says why, and the container boots.
# The render is a directory (units/ with its links), or the flat form of `composable kube
# --render` (ConfigMaps hold no symlinks: units/ has the files, `links` lists the links).
# POSIX sh (dash, busybox sh), coreutils only, a handful of processes: systemd waits for it.
# Without a render it does nothing: a node generator of the image, if any, has the boot to itself
# (and the node generator does nothing when a render is present, so the two never both act).
set -u
ROOT=${COMPOSABLE_ROOT:-}
ROOT=${ROOT%/}
RENDER="$ROOT/run/composable/render"
STATUS="$ROOT/run/composable/status.json"
NORMAL=${1:-}

log() {
  # Generators run before the journal, with stdout and stderr on /dev/null (systemd.generator(7)).
  if [ -w /dev/kmsg ] && [ -z "$ROOT" ]; then
    printf '<%s>composable-generator: %s\n' "$1" "$2" >/dev/kmsg 2>/dev/null
  fi
  printf 'composable-generator: %s\n' "$2" >&2
}

# A status saying why nothing was enabled, written atomically (a temporary file, then a rename).
# The reason is a check line (paths and a digest the host wrote), never file content.
stale() {
  log 3 "render not used: $1"
  reason=$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')
  mkdir -p "$ROOT/run/composable" 2>/dev/null
  tmp="$STATUS.tmp.$$"
  printf '{"schemaVersion":1,"generator":{"name":"composable-generator (rendered)","version":"%s"},"metadata":{"path":"/run/composable/metadata.json","state":"invalid","reasons":[{"code":"render-stale","message":"the rendered units do not fit this container (%s); nothing of the render is enabled: render again for this container"}]},"services":[]}\n' \
    "$VERSION" "$reason" >"$tmp" && mv -f "$tmp" "$STATUS"
  exit 0
}

if [ -z "$NORMAL" ]; then
  log 3 'usage: composable-generator NORMAL [EARLY LATE]'
  exit 2
fi
[ -f "$RENDER/render.json" ] || exit 0
VERSION=unknown
[ -f "$RENDER/render.checks" ] || stale 'render.checks is missing'

# Each line: KIND ARGS. Unknown kinds fail closed: a render made by a newer planner with a check
# this script cannot make is not used.
checks=0
# The file is read with one cat and split in the shell: `read` in a loop costs a system call per
# byte (dash and busybox read unbuffered), 80,000 of them for 100 packages.
text=$(cat "$RENDER/render.checks") || stale 'cannot read render.checks'
NL='
'
set -f
IFS=$NL
for line in $text; do
  IFS=' '
  # shellcheck disable=SC2086 # split into its words on purpose; globbing is off
  set -- $line
  IFS=$NL
  kind=${1-} a=${2-} b=${3-}
  case $kind in
    '' | '#'*) continue ;;
    planner)
      VERSION=$b
      continue
      ;;
    sha256)
      [ -f "$ROOT$b" ] || stale "$b is missing"
      sum=$(sha256sum <"$ROOT$b") || stale "cannot read $b"
      [ "${sum%% *}" = "$a" ] || stale "$b changed since the render"
      ;;
    present) [ -e "$ROOT$a" ] || stale "$a is missing" ;;
    dir) [ -d "$ROOT$a" ] || stale "$a is not a directory" ;;
    absent) [ -e "$ROOT$a" ] || [ -L "$ROOT$a" ] && stale "$a exists in the container" ;;
    cap-sys-admin)
      eff=$(sed -n 's/^CapEff:[[:space:]]*//p' "$ROOT/proc/self/status" 2>/dev/null)
      [ -n "$eff" ] || stale 'cannot read CapEff from /proc/self/status'
      have=$(((0x$eff >> 21) & 1))
      [ "$have" = "$a" ] || stale "CAP_SYS_ADMIN is $have here, the render planned for $a"
      ;;
    *) stale "unknown check '$kind'" ;;
  esac
  checks=$((checks + 1))
done
unset IFS
set +f
[ "$checks" -gt 0 ] || stale 'render.checks has no checks'

# Fits: link the rendered tree into NORMAL. Units and their .d/ drop-in directories are linked
# whole, with one ln; .wants/ and .requires/ directories are made here and their links linked one
# by one, because other generators may write into the same target's directory.
# Remove LINK if it is a link this script made to TARGET (a name the other generators also
# wrote, where ln failed, is theirs and stays).
unlink_ours() {
  [ -L "$1" ] && [ "$(readlink "$1")" = "$2" ] && rm -f "$1"
}
unlink_all() {
  # Only what this script linked: a target's directory may hold other generators' links too.
  set +f
  unset IFS
  for e in "$RENDER"/units/*; do
    case ${e##*/} in
      *.wants | *.requires) for l in "$e"/*; do unlink_ours "$NORMAL/${e##*/}/${l##*/}" "$l"; done ;;
      *) unlink_ours "$NORMAL/${e##*/}" "$e" ;;
    esac
  done
  set -f
  IFS=$NL
  for line in ${links-}; do
    unlink_ours "$NORMAL/${line%% *}" "${line#* }"
  done
  unset IFS
  set +f
  stale "$1"
}
# The units are gathered in a newline-separated string, not with set -- "$@" "$e", which copies the
# whole list on every unit (quadratic: 0.14 s for 700 units under dash). Rendered names hold no
# whitespace (render.ts refuses them).
units=''
dirs=''
for e in "$RENDER"/units/*; do
  [ -e "$e" ] || [ -L "$e" ] || continue
  case ${e##*/} in
    *.wants | *.requires) dirs="$dirs ${e##*/}" ;;
    *) units="$units$NL$e" ;;
  esac
done
if [ -n "$units" ]; then
  set -f
  IFS=$NL
  # shellcheck disable=SC2086 # one word per line on purpose
  ln -s $units "$NORMAL"/ || unlink_all 'cannot link the rendered units into the generator directory'
  unset IFS
  set +f
fi
# Each process costs a few ms of boot: one mkdir for all the directories, one ln per directory.
if [ -n "$dirs" ]; then
  set --
  for d in $dirs; do set -- "$@" "$NORMAL/$d"; done
  mkdir -p "$@" || unlink_all 'cannot make the .wants/.requires directories in the generator directory'
fi
for d in $dirs; do
  ln -s "$RENDER/units/$d"/* "$NORMAL/$d"/ || unlink_all "cannot link $d into the generator directory"
done
# The flat form (composable kube: a ConfigMap holds no symlinks): the links of the tree are listed
# in $RENDER/links, one `PATH TARGET` a line, PATH relative to NORMAL, sorted, and made here as the
# node generator makes them. A directory's links whose TARGET is ../NAME for their own NAME (what
# the planner writes into .wants/ and .requires/) are made with one ln; any other link on its own.
if [ -f "$RENDER/links" ]; then
  links=$(cat "$RENDER/links") || unlink_all 'cannot read links'
  set -f
  IFS=$NL
  ldirs=''
  for line in $links; do
    path=${line%% *}
    target=${line#* }
    case $path in
      '' | /* | .. | ../* | */.. | */../*) unlink_all "links: bad path '$path'" ;;
    esac
    if [ "$target" = "$line" ] || [ -z "$target" ]; then unlink_all "links: no target for '$path'"; fi
    case $path in
      */*) case $ldirs in *"$NL${path%/*}$NL"*) ;; *) ldirs="$ldirs$NL${path%/*}$NL" ;; esac ;;
    esac
  done
  if [ -n "$ldirs" ]; then
    set --
    for d in $ldirs; do set -- "$@" "$NORMAL/$d"; done
    mkdir -p "$@" || unlink_all 'cannot make the directories of links in the generator directory'
  fi
  dir=''
  batch=''
  for line in $links; do
    path=${line%% *}
    target=${line#* }
    name=${path##*/}
    case $path in */*) d=${path%/*} ;; *) d='' ;; esac
    if [ -n "$d" ] && [ "$target" = "../$name" ]; then
      if [ "$d" != "$dir" ] && [ -n "$batch" ]; then
        # shellcheck disable=SC2086 # one word per line on purpose
        ln -s $batch "$NORMAL/$dir"/ || unlink_all "cannot link $dir into the generator directory"
        batch=''
      fi
      dir=$d
      batch="$batch$NL$target"
    else
      ln -s "$target" "$NORMAL/$path" || unlink_all "cannot link $path into the generator directory"
    fi
  done
  if [ -n "$batch" ]; then
    # shellcheck disable=SC2086 # one word per line on purpose
    ln -s $batch "$NORMAL/$dir"/ || unlink_all "cannot link $dir into the generator directory"
  fi
  unset IFS
  set +f
fi
[ -d "$ROOT/run/composable" ] || mkdir -p "$ROOT/run/composable" 2>/dev/null
cp "$RENDER/status.json" "$STATUS.tmp.$$" && mv -f "$STATUS.tmp.$$" "$STATUS"
exit 0
