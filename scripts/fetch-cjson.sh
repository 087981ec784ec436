#!/usr/bin/env bash
# Puts Debian's cJSON source (pinned, checksummed, Debian's patches applied) in $1
# (default build/third_party/cjson). Nothing of it is committed; see docs in README "How the build works".
set -euo pipefail
VERSION=1.7.15-1+deb12u4
declare -A SHA256=(
  [cjson_1.7.15.orig.tar.gz]=5308fd4bd90cef7aa060558514de6a1a4a0819974a26e6ed13973c5f624c24b2
  [cjson_1.7.15-1+deb12u4.debian.tar.xz]=afd19a970966cf534ff1e9ec077d710a5e7e78eb4ec9b499c8bdc32e55da12cb
  [cjson_1.7.15-1+deb12u4.dsc]=764c2de141d680f4fb4cada30c526dacaa30ead061b9b9c34f2b81e2df0f8439
)
root=$(cd "$(dirname "$0")/.." && pwd)
dest=${1:-$root/build/third_party/cjson}
stamp="$dest/.version"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$VERSION" ] && [ -f "$dest/cJSON.c" ]; then exit 0; fi

command -v dpkg-source >/dev/null || { echo "fetch-cjson: dpkg-source is missing: apt-get install -y dpkg-dev" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A deb-src list derived from the machine's own apt sources, kept private to this script.
src_list="$work/deb-src.sources"
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
  sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources > "$src_list"
elif [ -f /etc/apt/sources.list ]; then
  src_list="$work/deb-src.list"; sed -n "s/^deb /deb-src /p" /etc/apt/sources.list > "$src_list"
else
  echo "fetch-cjson: no apt sources found on this machine" >&2; exit 1
fi
mkdir -p "$work/lists/partial"
apt_opts=(-o "Dir::Etc::SourceList=$src_list" -o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$work/lists"
          -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
echo "fetch-cjson: downloading Debian's cjson $VERSION source" >&2
apt-get "${apt_opts[@]}" -q update >/dev/null
(cd "$work" && apt-get "${apt_opts[@]}" -q source --download-only "cjson=$VERSION" >/dev/null)
for f in "${!SHA256[@]}"; do
  echo "${SHA256[$f]}  $work/$f" | sha256sum -c --quiet - || { echo "fetch-cjson: checksum mismatch for $f" >&2; exit 1; }
done
dpkg-source --no-check -x "$work/cjson_$VERSION.dsc" "$work/src" >/dev/null  # sha256 checked above
mkdir -p "$dest"
cp "$work/src/cJSON.c" "$work/src/cJSON.h" "$work/src/LICENSE" "$dest/"
echo "$VERSION" > "$stamp"
echo "fetch-cjson: cJSON $VERSION in $dest" >&2
