#!/usr/bin/env bash
# npm/build-all.sh OUTDIR [PLATFORM...]
#
# Builds the release binary of every platform the npm packages name (or only
# the PLATFORMs given, directories of npm/platforms/) on this Linux x86_64
# machine, and packs each into its platform package with npm/pack.sh. Writes
# into OUTDIR:
#   stepup-<version>.tgz               the main package (once)
#   stepup-<platform>-<version>.tgz    one platform package per platform
#   bin/<platform>/stepup[.exe]        the binaries, for npm/smoke-cross.sh
# and prints the tarballs' paths, one a line.
#
# Cross toolchains (tree-sitter's grammar is C, so each target needs a C compiler):
#   Linux (glibc, musl, arm64), macOS   cargo-zigbuild: `pip install ziglang cargo-zigbuild`;
#                                       zig ships the C libraries and macOS headers, no SDK
#   Windows (x86_64-pc-windows-gnu)     mingw-w64: `apt-get install gcc-mingw-w64-x86-64`
# and `rustup target add` for each target (done here when rustup is present).
#
# The -gnu Linux binaries are linked against glibc 2.17, so they run on old
# distributions too; the -musl ones are static. The release workflow builds the
# Windows binary with MSVC instead (see npm/README.md); this one is the GNU ABI build
# of the same code, which is what runs under wine here.
set -euo pipefail

die() {
  printf 'build-all.sh: %s\n' "$*" >&2
  exit 1
}

[[ $# -ge 1 ]] || die "usage: npm/build-all.sh OUTDIR [PLATFORM...]"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
out=$1
shift

# platform -> Rust target (the cargo-zigbuild form: a glibc version after the triple)
target_of() {
  case $1 in
    linux-x64-gnu) echo x86_64-unknown-linux-gnu.2.17 ;;
    linux-x64-musl) echo x86_64-unknown-linux-musl ;;
    linux-arm64-gnu) echo aarch64-unknown-linux-gnu.2.17 ;;
    linux-arm64-musl) echo aarch64-unknown-linux-musl ;;
    darwin-x64) echo x86_64-apple-darwin ;;
    darwin-arm64) echo aarch64-apple-darwin ;;
    win32-x64) echo x86_64-pc-windows-gnu ;;
    *) return 1 ;;
  esac
}

all=(linux-x64-gnu linux-x64-musl linux-arm64-gnu linux-arm64-musl darwin-x64 darwin-arm64 win32-x64)
platforms=("$@")
[[ ${#platforms[@]} -gt 0 ]] || platforms=("${all[@]}")
for p in "${platforms[@]}"; do
  target_of "$p" >/dev/null || die "unknown platform '$p'; known: ${all[*]}"
  [[ -d $here/platforms/$p ]] || die "npm/platforms/$p is missing"
done
# Every platform of npm/platforms/ must have a target here, and the other way round.
for dir in "$here"/platforms/*/; do
  p=$(basename "$dir")
  target_of "$p" >/dev/null || die "npm/platforms/$p has no Rust target in build-all.sh"
done

command -v cargo >/dev/null || die "cargo is not on PATH"
needs_zig=false
for p in "${platforms[@]}"; do [[ $p == win32-* ]] || needs_zig=true; done
if $needs_zig; then
  command -v cargo-zigbuild >/dev/null ||
    die "cargo-zigbuild is not on PATH: pip install ziglang cargo-zigbuild"
fi
if [[ " ${platforms[*]} " == *" win32-x64 "* ]]; then
  command -v x86_64-w64-mingw32-gcc >/dev/null ||
    die "x86_64-w64-mingw32-gcc is not on PATH: apt-get install gcc-mingw-w64-x86-64"
fi

target_dir=$(cargo metadata --format-version 1 --no-deps --manifest-path "$root/Cargo.toml" |
  node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).target_directory))')
mkdir -p "$out/bin"
out=$(cd "$out" && pwd)

main_packed=false
for p in "${platforms[@]}"; do
  target=$(target_of "$p")
  triple=${target%%.2.*} # without the glibc version
  if command -v rustup >/dev/null; then rustup target add "$triple" >/dev/null 2>&1 || true; fi
  printf 'build-all.sh: building %s (%s)\n' "$p" "$target" >&2
  if [[ $p == win32-* ]]; then
    cargo build --release --locked --target "$target" --manifest-path "$root/Cargo.toml" >&2
    exe=stepup.exe
  else
    cargo-zigbuild zigbuild --release --locked --target "$target" --manifest-path "$root/Cargo.toml" >&2
    exe=stepup
  fi
  binary=$target_dir/$triple/release/$exe
  [[ -f $binary ]] || die "the build of $p left no binary at $binary"
  mkdir -p "$out/bin/$p"
  cp "$binary" "$out/bin/$p/$exe"
  stage=$(mktemp -d)
  STEPUP_BINARY=$binary STEPUP_PLATFORM=$p "$here/pack.sh" "$stage" >/dev/null
  for tarball in "$stage"/*.tgz; do
    name=$(basename "$tarball")
    if [[ $name == stepup-[0-9]*.tgz ]]; then
      # The main package is the same whichever platform packed it.
      $main_packed && continue
      main_packed=true
    fi
    mv "$tarball" "$out/$name"
    printf '%s\n' "$out/$name"
  done
  rm -rf "$stage"
done
