#!/usr/bin/env bash
# Every installed library in LIBDIR defines no global symbol outside dh_*: the archive's
# (nm -g) and the shared library's dynamic table (nm -D). A name of ours is a dh_ name; anything
# else (an internal helper, cJSON) would clash with, or quietly replace, a program's own.
#   bash tests/examples/exports_only_dh.sh LIBDIR
set -euo pipefail
libdir=$1
status=0
n=0
for lib in "$libdir"/libdockerhub_oat.a "$libdir"/libdockerhub_oat.so.*.*.*; do
  [ -e "$lib" ] || { echo "exports_only_dh: $lib is missing" >&2; status=1; continue; }
  case $lib in *.a) opts=(-g --defined-only) ;; *) opts=(-D --defined-only) ;; esac
  bad=$(nm "${opts[@]}" "$lib" | awk 'NF == 3 { print $3 }' | grep -v '^dh_' || true)
  count=$(nm "${opts[@]}" "$lib" | awk 'NF == 3 && $3 ~ /^dh_/' | wc -l)
  n=$((n + 1))
  if [ -n "$bad" ]; then
    echo "exports_only_dh: $(basename "$lib") exports names not ours:" >&2
    printf '  %s\n' $bad >&2
    status=1
  elif [ "$count" -eq 0 ]; then
    echo "exports_only_dh: $(basename "$lib") exports nothing" >&2
    status=1
  else
    echo "exports_only_dh: $(basename "$lib"): $count global symbols, every one dh_*"
  fi
done
[ "$n" -eq 2 ] || { echo "exports_only_dh: expected the archive and the shared library in $libdir" >&2; status=1; }
exit "$status"
