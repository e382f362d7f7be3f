#!/usr/bin/env bash
# Installs a released uatrun without Go: downloads the release archive for
# this OS and architecture, checks its SHA-256 against the release's
# checksums file, unpacks the binary and puts it on PATH. The uatrun action
# (action.yml) runs it when given a release version; it runs the same on
# any machine with bash, curl and tar (unzip, 7z or PowerShell on Windows).
#
#   install.sh VERSION [DIR]          e.g. install.sh v0.5.0 "$HOME/.local/bin"
#
# VERSION is a release tag (v1.2.3, v1.2.3-rc.1). DIR defaults to
# $RUNNER_TEMP/uatrun-bin (or a temporary folder); when GITHUB_PATH is set
# DIR is added to it. The environment can override:
#   UATRUN_RELEASES  where releases are served (default: GitHub releases of
#                    uatrun/uatrun); a release's files are at $UATRUN_RELEASES/VERSION/
#   UATRUN_OS        linux, darwin or windows (default: RUNNER_OS, else uname -s)
#   UATRUN_ARCH      amd64 or arm64 (default: RUNNER_ARCH, else uname -m)
#
# Exit 0 once `uatrun version` of the installed binary names VERSION; 1 when
# the download, the checksum or that check fails (nothing is installed);
# 2 for a VERSION that is not a release tag or a platform with no release.
set -euo pipefail

die() { echo "::error::uatrun install: $2" >&2; exit "$1"; }

if [ $# -lt 1 ] || [ $# -gt 2 ]; then die 2 "usage: install.sh VERSION [DIR]"; fi
tag="$1"
case "$tag" in v*) ;; *) tag="v$tag" ;; esac
if ! [[ "$tag" =~ ^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
  die 2 "\"$1\" is not a release version (v1.2.3); pin the action by commit to build uatrun from source"
fi
num="${tag#v}"
dir="${2:-${RUNNER_TEMP:-${TMPDIR:-/tmp}}/uatrun-bin}"

os="${UATRUN_OS:-}"
if [ -z "$os" ]; then
  case "${RUNNER_OS:-$(uname -s)}" in
    Linux) os=linux ;;
    macOS | Darwin) os=darwin ;;
    Windows | MINGW* | MSYS* | CYGWIN*) os=windows ;;
    *) die 2 "no uatrun release for the OS ${RUNNER_OS:-$(uname -s)}; build from source: go install github.com/uatrun/uatrun/cmd/uatrun@$tag" ;;
  esac
fi
arch="${UATRUN_ARCH:-}"
if [ -z "$arch" ]; then
  case "${RUNNER_ARCH:-$(uname -m)}" in
    X64 | x86_64 | amd64 | AMD64) arch=amd64 ;;
    ARM64 | aarch64 | arm64) arch=arm64 ;;
    *) die 2 "no uatrun release for the architecture ${RUNNER_ARCH:-$(uname -m)}; build from source: go install github.com/uatrun/uatrun/cmd/uatrun@$tag" ;;
  esac
fi
ext=tar.gz exe=uatrun
if [ "$os" = windows ]; then ext=zip exe=uatrun.exe; fi

archive="uatrun_${num}_${os}_${arch}.${ext}"
sums="uatrun_${num}_checksums.txt"
base="${UATRUN_RELEASES:-https://github.com/uatrun/uatrun/releases/download}"
base="${base%/}/$tag"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

fetch() {
  local proto=()
  # Over HTTPS, never follow a redirect to plain HTTP.
  case "$base" in https://*) proto=(--proto '=https' --proto-redir '=https') ;; esac
  curl -fsSL --retry 3 --retry-delay 2 --connect-timeout 20 --max-time 300 ${proto[@]+"${proto[@]}"} -o "$2" "$base/$1" ||
    die 1 "could not download $base/$1 (is $tag released? versions before the first release: pin the action by commit)"
}

echo "uatrun $tag for $os/$arch: $base/$archive"
fetch "$sums" "$tmp/$sums"
fetch "$archive" "$tmp/$archive"

# The checksums file lists "<sha256>  <name>"; exactly one line names the archive.
want="$(awk -v f="$archive" '$2 == f || $2 == "*" f { print $1 }' "$tmp/$sums")"
if ! [[ "$want" =~ ^[0-9a-f]{64}$ ]]; then
  die 1 "$sums lists no single SHA-256 for $archive"
fi
if command -v sha256sum >/dev/null 2>&1; then
  got="$(sha256sum "$tmp/$archive" | awk '{ print $1 }')"
elif command -v shasum >/dev/null 2>&1; then
  got="$(shasum -a 256 "$tmp/$archive" | awk '{ print $1 }')"
else
  got="$(openssl dgst -sha256 -r "$tmp/$archive" | awk '{ print $1 }')"
fi
if [ "$got" != "$want" ]; then
  die 1 "checksum mismatch for $archive: the release's $sums says $want, the download is $got; not installed"
fi
echo "sha256 $got  $archive (matches $sums)"

mkdir -p "$tmp/x"
if [ "$ext" = zip ]; then
  if command -v unzip >/dev/null 2>&1; then
    unzip -q "$tmp/$archive" "$exe" -d "$tmp/x"
  elif command -v 7z >/dev/null 2>&1; then
    7z x -y -bd "-o$tmp/x" "$tmp/$archive" "$exe" >/dev/null
  else
    powershell -NoProfile -Command "Expand-Archive -LiteralPath '$tmp/$archive' -DestinationPath '$tmp/x'"
  fi
else
  tar -xzf "$tmp/$archive" -C "$tmp/x" "$exe"
fi
[ -f "$tmp/x/$exe" ] || die 1 "$archive holds no $exe"

mkdir -p "$dir"
cp "$tmp/x/$exe" "$dir/$exe.new"
chmod 0755 "$dir/$exe.new"
mv -f "$dir/$exe.new" "$dir/$exe"

out="$("$dir/$exe" version)" || die 1 "the installed $dir/$exe does not run"
echo "$out"
case "$out" in
  "uatrun $tag"*) ;;
  *) rm -f "$dir/$exe"; die 1 "the archive's uatrun says \"${out%%$'\n'*}\", not uatrun $tag" ;;
esac
if [ -n "${GITHUB_PATH:-}" ]; then echo "$dir" >> "$GITHUB_PATH"; fi
echo "installed $dir/$exe"
