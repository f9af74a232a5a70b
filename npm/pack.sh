#!/usr/bin/env bash
# npm/pack.sh OUTDIR
#
# Writes two npm tarballs into OUTDIR and prints their paths, one a line:
#   stepup-<version>.tgz             the main package (the launcher)
#   stepup-<platform>-<version>.tgz  the platform package with the binary
# <version> is Cargo.toml's; the templates under npm/ carry 0.0.0.
#
# Environment:
#   STEPUP_BINARY=FILE    pack this binary instead of running `cargo build --release`
#   STEPUP_PLATFORM=NAME  the platform package to make (a directory of npm/platforms/)
#                         instead of the host's: for a binary built for another target
#
# Needs bash, node and npm; cargo unless STEPUP_BINARY is set.
set -euo pipefail

die() {
  printf 'pack.sh: %s\n' "$*" >&2
  exit 1
}

[[ $# -eq 1 ]] || die "usage: npm/pack.sh OUTDIR"
command -v node >/dev/null || die "node is not on PATH"
command -v npm >/dev/null || die "npm is not on PATH"

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")

# The version: the `version` key of Cargo.toml's [package] table.
version=$(awk '
  /^\[/ { in_package = ($0 == "[package]") }
  in_package && /^version[[:space:]]*=/ {
    sub(/^version[[:space:]]*=[[:space:]]*"/, ""); sub(/".*$/, ""); print; exit
  }' "$root/Cargo.toml")
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+ ]] || die "no version found in $root/Cargo.toml"

known_platforms() {
  (cd "$here/platforms" && printf '%s ' *)
}

host_platform() {
  local os arch libc
  case "$(uname -s)" in
    Linux) os=linux ;;
    Darwin) os=darwin ;;
    MINGW* | MSYS* | CYGWIN* | Windows_NT) os=win32 ;;
    *) die "unknown host OS '$(uname -s)': set STEPUP_PLATFORM to one of: $(known_platforms)" ;;
  esac
  case "$(uname -m)" in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) die "unknown host architecture '$(uname -m)': set STEPUP_PLATFORM to one of: $(known_platforms)" ;;
  esac
  if [[ $os == linux ]]; then
    if (ldd --version 2>&1 || true) | grep -qi musl; then libc=-musl; else libc=-gnu; fi
  fi
  printf '%s-%s%s\n' "$os" "$arch" "${libc:-}"
}

platform=${STEPUP_PLATFORM:-$(host_platform)}
[[ -f $here/platforms/$platform/package.json ]] ||
  die "no platform package '$platform'; known: $(known_platforms)"
exe=stepup
[[ $platform == win32-* ]] && exe=stepup.exe

if [[ -n ${STEPUP_BINARY:-} ]]; then
  binary=$STEPUP_BINARY
else
  command -v cargo >/dev/null || die "cargo is not on PATH (or set STEPUP_BINARY)"
  cargo build --release --locked --manifest-path "$root/Cargo.toml" >&2
  target_dir=$(cargo metadata --format-version 1 --no-deps --manifest-path "$root/Cargo.toml" |
    node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).target_directory))')
  binary=$target_dir/release/$exe
fi
[[ -f $binary ]] || die "no binary at $binary"

mkdir -p "$1"
out=$(cd "$1" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

cp -R "$here/stepup" "$stage/main"
cp -R "$here/platforms/$platform" "$stage/platform"
cp "$binary" "$stage/platform/$exe"
# The licence (MIT OR Apache-2.0) goes into every package; package.json's `files` lists it.
for pkg in main platform; do
  cp "$root/LICENSE-MIT" "$root/LICENSE-APACHE" "$stage/$pkg/"
done
chmod 755 "$stage/platform/$exe" "$stage/main/bin/stepup.js"
cat >"$stage/platform/README.md" <<EOF
# stepup-$platform

The \`stepup\` binary for $platform, version $version. Install \`stepup\` instead: it depends
on this package (and on one for every other platform; npm installs the one that fits).
EOF

# Fill in the version: the packages' own, and the main package's optionalDependencies.
node - "$version" "$stage/main/package.json" "$stage/platform/package.json" <<'EOF'
const fs = require("fs");
const [version, ...files] = process.argv.slice(2);
for (const file of files) {
  const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
  pkg.version = version;
  for (const dep of Object.keys(pkg.optionalDependencies || {})) pkg.optionalDependencies[dep] = version;
  fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");
}
EOF
platform_name=$(node -p 'require(process.argv[1]).name' "$stage/platform/package.json")
node -e 'process.exit(require(process.argv[1]).optionalDependencies[process.argv[2]] ? 0 : 1)' \
  "$stage/main/package.json" "$platform_name" ||
  die "$platform_name is not among the optionalDependencies of npm/stepup/package.json"

for pkg in main platform; do
  tarball=$(cd "$stage/$pkg" && npm pack --silent --pack-destination "$out")
  printf '%s\n' "$out/$tarball"
done
