#!/usr/bin/env bash
# axe-core for the accessibility tests: fetched with npm from the npm registry, pinned to
# one version and checked against its sha256, unpacked into a git-ignored cache.
# Locally a failed download only warns (the tests then skip with the reason); in CI
# (CI=true) it is an error.
set -u
VERSION=4.10.3
SHA256=0f2b4d7dcdf7d1219df8d1959ad68e565f51d14c3f0d88bb71cd59abeb956292
DIR=${AXE_DIR:-tests/.axe}
TARGET="$DIR/axe-$VERSION.min.js"
fail() {
  echo "axe.sh: $*" >&2
  if [ "${CI:-}" = "true" ]; then exit 1; fi
  echo "axe.sh: accessibility tests will be skipped" >&2
  exit 0
}
[ -s "$TARGET" ] && exit 0
command -v npm >/dev/null 2>&1 || fail "npm is not installed (apt-get install npm)"
mkdir -p "$DIR"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack "axe-core@$VERSION" --silent >/dev/null 2>&1) \
  || fail "npm pack axe-core@$VERSION failed"
tarball="$tmp/axe-core-$VERSION.tgz"
actual=$(sha256sum "$tarball" | cut -d' ' -f1)
[ "$actual" = "$SHA256" ] || fail "axe-core-$VERSION.tgz sha256 is $actual, expected $SHA256"
tar -xzf "$tarball" -C "$tmp" package/axe.min.js || fail "axe.min.js missing from the tarball"
mv "$tmp/package/axe.min.js" "$TARGET"
echo "axe.sh: axe-core $VERSION ready in $TARGET" >&2
