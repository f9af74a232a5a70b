#!/usr/bin/env bash
# npm/smoke-cross.sh DIST
#
# Runs the binaries npm/build-all.sh wrote into DIST/bin/<platform>/ on this
# Linux x86_64 machine, each against the native build (DIST/bin/linux-x64-gnu):
#   win32-x64                   under wine
#   linux-arm64-gnu, -musl      under qemu-user (qemu-aarch64; the -gnu binary needs
#                               the arm64 glibc of libc6-arm64-cross in /usr/aarch64-linux-gnu)
#   linux-x64-musl              directly
#   darwin-*                    skipped: nothing runs a macOS binary here
# On a copy of examples/wallet-app, each must give:
#   --version                   `stepup <Cargo.toml's version>`
#   check                       exit 1, stdout byte for byte the native one
#   migrate                     the native diff, byte for byte; also on a CRLF checkout
#                               (core.autocrlf=true), where `git apply` must accept it
#   migrate --write             in a git repository: the files the native --write gives.
#                               Under wine git is a Linux program the Windows binary cannot
#                               run, so the dirty guard must refuse ("git is not on PATH",
#                               nothing written) and --allow-no-vcs writes.
# Then, when wine and the x86_64-pc-windows-gnu toolchain are present, the engine
# tests (the library's unit tests, tests/engine.rs), the fixture tests,
# tests/project.rs and tests/windows.rs built
# for Windows run under wine (STEPUP_SMOKE_WINE_TESTS=0 leaves them out).
#
# Needs bash, git, cargo; wine and qemu-user for what they run (a missing runner
# skips its platform with the reason). Exits 1 when any check fails.
set -uo pipefail

die() {
  printf 'smoke-cross.sh: %s\n' "$*" >&2
  exit 2
}

[[ $# -eq 1 ]] || die "usage: npm/smoke-cross.sh DIST (the OUTDIR of npm/build-all.sh)"
dist=$(cd "$1" && pwd) || die "no directory $1"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
version=$(awk '
  /^\[/ { in_package = ($0 == "[package]") }
  in_package && /^version[[:space:]]*=/ {
    sub(/^version[[:space:]]*=[[:space:]]*"/, ""); sub(/".*$/, ""); print; exit
  }' "$root/Cargo.toml")
native=$dist/bin/linux-x64-gnu/stepup
[[ -x $native ]] || die "no native binary at $native: run npm/build-all.sh $1 linux-x64-gnu first"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export WINEDEBUG=-all NO_COLOR=1 LC_ALL=C
failures=0
pass() { printf '  ok    %s\n' "$*"; }
fail() {
  printf '  FAIL  %s\n' "$*"
  failures=$((failures + 1))
}
skip() { printf '  skip  %s\n' "$*"; }

# A fresh git repository holding the example app, checked out with autocrlf $2.
example_repo() {
  local dir=$1 crlf=$2
  mkdir -p "$dir.origin"
  cp -R "$root/examples/wallet-app/." "$dir.origin/"
  git -C "$dir.origin" init -q
  git -C "$dir.origin" add -A
  git -C "$dir.origin" -c user.email=t@example.com -c user.name=t -c commit.gpgsign=false commit -qm app
  git -c core.autocrlf="$crlf" clone -q "$dir.origin" "$dir"
  git -C "$dir" config core.autocrlf "$crlf"
}

# stepup's stderr without the run's duration.
timeless() { sed -E 's/ in [0-9]+(\.[0-9]+)?m?s;/ in Ns;/' "$1"; }

# run PLATFORM DIR ARGS...: the platform's binary in DIR; output in $work/<name>.{out,err,code}
run() {
  local platform=$1 dir=$2 name=$3
  shift 3
  local code=0
  (cd "$dir" && "${runner[@]}" "$@" >"$work/$name.out" 2>"$work/$name.err") || code=$?
  printf '%s\n' "$code" >"$work/$name.code"
}

# The native results, once.
example_repo "$work/native-lf" false
example_repo "$work/native-crlf" true
runner=("$native")
run native "$work/native-lf" native-check check
run native "$work/native-lf" native-migrate migrate
run native "$work/native-crlf" native-migrate-crlf migrate
run native "$work/native-lf" native-write migrate --write
run native "$work/native-crlf" native-write-crlf migrate --write
[[ $(cat "$work/native-check.code") == 1 ]] || die "the native check did not exit 1: $(cat "$work/native-check.err")"
[[ $(cat "$work/native-write.code") == 0 ]] || die "the native --write failed: $(cat "$work/native-write.err")"

same() { cmp -s "$1" "$2"; }

# Rust's standard library draws random numbers with ProcessPrng from
# bcryptprimitives.dll (Windows 10 and later); wine before 9.0 lacks that DLL,
# and every Rust program then fails to start under it. Give such a wine a
# bcryptprimitives.dll whose ProcessPrng is advapi32's RtlGenRandom, built
# with mingw-w64 into the wine prefix (nothing outside it changes).
wine_prng() {
  local prefix=${WINEPREFIX:-$HOME/.wine} probe=$work/prng
  wine cmd /c exit 0 >/dev/null 2>&1 || return 1 # creates the prefix on a first run
  [[ -f $prefix/drive_c/windows/system32/bcryptprimitives.dll ]] && return 0
  command -v x86_64-w64-mingw32-gcc >/dev/null || return 1
  mkdir -p "$probe"
  cat >"$probe/prng.c" <<'C'
#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length); /* RtlGenRandom */
BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
  while (length > 0) {
    ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
    if (!SystemFunction036(data, chunk)) return FALSE;
    data += chunk;
    length -= chunk;
  }
  return TRUE;
}
C
  printf 'LIBRARY bcryptprimitives\nEXPORTS\n  ProcessPrng\n' >"$probe/prng.def"
  x86_64-w64-mingw32-gcc -shared -O2 -o "$prefix/drive_c/windows/system32/bcryptprimitives.dll" \
    "$probe/prng.c" "$probe/prng.def" -ladvapi32
}

smoke() {
  local p=$1 bin=$2 t
  printf '%s\n' "$p"
  t=$work/$p
  run "$p" "$work" "$p-version" "$bin" --version
  if [[ $(cat "$work/$p-version.out") == "stepup $version" ]]; then
    pass "--version: stepup $version"
  else
    fail "--version printed '$(cat "$work/$p-version.out")' $(cat "$work/$p-version.err")"
  fi

  example_repo "$t-lf" false
  example_repo "$t-crlf" true
  run "$p" "$t-lf" "$p-check" "$bin" check
  if [[ $(cat "$work/$p-check.code") == 1 ]] && same "$work/$p-check.out" "$work/native-check.out"; then
    pass "check: exit 1, the native findings ($(grep -c . "$work/$p-check.out") lines)"
  else
    fail "check: exit $(cat "$work/$p-check.code"), findings differ from native: $(diff "$work/native-check.out" "$work/$p-check.out" | head -5) $(head -3 "$work/$p-check.err")"
  fi

  run "$p" "$t-lf" "$p-migrate" "$bin" migrate
  if same "$work/$p-migrate.out" "$work/native-migrate.out" &&
    [[ $(timeless "$work/$p-migrate.err") == $(timeless "$work/native-migrate.err") ]]; then
    pass "migrate: the native diff, byte for byte ($(wc -c <"$work/$p-migrate.out") bytes)"
  else
    fail "migrate: differs from native: $(diff "$work/native-migrate.out" "$work/$p-migrate.out" | head -5)"
  fi

  run "$p" "$t-crlf" "$p-migrate-crlf" "$bin" migrate
  if same "$work/$p-migrate-crlf.out" "$work/native-migrate-crlf.out" &&
    git -C "$t-crlf" apply --check "$work/$p-migrate-crlf.out" 2>"$work/$p-apply.err"; then
    pass "migrate on a CRLF checkout: the native diff, and git apply accepts it"
  else
    fail "migrate on a CRLF checkout: $(head -3 "$work/$p-apply.err") $(diff "$work/native-migrate-crlf.out" "$work/$p-migrate-crlf.out" | head -3)"
  fi

  local crlf
  for crlf in lf crlf; do
    local flags=()
    if [[ $p == win32-* ]]; then
      run "$p" "$t-$crlf" "$p-guard-$crlf" "$bin" migrate --write
      if [[ $(cat "$work/$p-guard-$crlf.code") == 2 ]] && grep -q "git is not on PATH" "$work/$p-guard-$crlf.err" &&
        [[ -z $(git -C "$t-$crlf" status --porcelain) ]]; then
        pass "migrate --write ($crlf): without a Windows git the dirty guard refuses, nothing written"
      else
        fail "migrate --write ($crlf) without git: exit $(cat "$work/$p-guard-$crlf.code"), $(head -3 "$work/$p-guard-$crlf.err"), $(git -C "$t-$crlf" status --porcelain | head -3)"
      fi
      flags=(--allow-no-vcs)
    fi
    run "$p" "$t-$crlf" "$p-write-$crlf" "$bin" migrate --write "${flags[@]}"
    local differ
    differ=$(diff -r -x .git "$work/native-$crlf" "$t-$crlf" 2>&1 | head -5)
    if [[ $(cat "$work/$p-write-$crlf.code") == 0 && -z $differ ]] &&
      [[ -z $(find "$t-$crlf" -name '.stepup-*.tmp') ]]; then
      pass "migrate --write${flags[*]:+ ${flags[*]}} ($crlf): the files native --write gives, no temporary file left"
    else
      fail "migrate --write ($crlf): exit $(cat "$work/$p-write-$crlf.code") $(head -3 "$work/$p-write-$crlf.err") $differ"
    fi
  done
}

for dir in "$dist"/bin/*/; do
  p=$(basename "$dir")
  case $p in
    win32-*)
      bin=$dir/stepup.exe
      if ! command -v wine >/dev/null; then
        printf '%s\n' "$p"
        skip "wine is not installed (apt-get install wine64)"
        continue
      fi
      if ! wine_prng; then
        printf '%s\n' "$p"
        skip "this wine has no bcryptprimitives.dll (wine < 9) and x86_64-w64-mingw32-gcc is missing to make one"
        continue
      fi
      runner=(wine)
      ;;
    linux-arm64-gnu)
      bin=$dir/stepup
      if ! command -v qemu-aarch64 >/dev/null || [[ ! -d /usr/aarch64-linux-gnu/lib ]]; then
        printf '%s\n' "$p"
        skip "needs qemu-aarch64 and the arm64 glibc (apt-get install qemu-user libc6-arm64-cross)"
        continue
      fi
      runner=(qemu-aarch64 -L /usr/aarch64-linux-gnu)
      ;;
    linux-arm64-musl)
      bin=$dir/stepup
      if ! command -v qemu-aarch64 >/dev/null; then
        printf '%s\n' "$p"
        skip "qemu-aarch64 is not installed (apt-get install qemu-user)"
        continue
      fi
      runner=(qemu-aarch64)
      ;;
    linux-x64-*)
      bin=$dir/stepup
      runner=()
      ;;
    darwin-*)
      printf '%s\n' "$p"
      skip "nothing runs a macOS binary on Linux: the release workflow runs it on a macOS runner"
      continue
      ;;
    *)
      printf '%s\n' "$p"
      skip "unknown platform"
      continue
      ;;
  esac
  # run() puts the runner before its arguments; the binary is the first of them.
  smoke "$p" "$bin"
done

if [[ ${STEPUP_SMOKE_WINE_TESTS:-1} != 0 ]]; then
  printf 'engine, fixture and Windows tests of x86_64-pc-windows-gnu under wine\n'
  if ! command -v wine >/dev/null || ! command -v x86_64-w64-mingw32-gcc >/dev/null ||
    ! rustup target list --installed 2>/dev/null | grep -qx x86_64-pc-windows-gnu; then
    skip "needs wine, x86_64-w64-mingw32-gcc and rustup target x86_64-pc-windows-gnu"
  elif ! wine_prng; then
    skip "this wine has no bcryptprimitives.dll and none could be made"
  else
    # Not run under wine, each for a stated reason:
    #   cli, safety, conventions, lint, formats, json_contract, fuzz: they make git
    #     repositories or run git apply, and there is no Windows git here (a Windows
    #     program cannot run the Linux git);
    #   npm, typecheck: they need a Windows node and npm;
    #   terminal: Unix only (a pseudo-terminal).
    # The runner is given as configuration, not as CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER:
    # wine passes the environment on, and assert_cmd, seeing that variable inside a
    # test, would run the Windows stepup through `wine` from within Windows.
    if cargo --config 'target.x86_64-pc-windows-gnu.runner = "wine"' test --locked --manifest-path "$root/Cargo.toml" --target x86_64-pc-windows-gnu \
      --no-fail-fast --lib --test engine --test fixtures --test project --test windows >"$work/wine-tests.log" 2>&1; then
      pass "$(grep -E '^test result' "$work/wine-tests.log" | awk '{p += $4; f += $6; i += $8} END {print p " passed, " f " failed, " i " ignored"}')"
    else
      fail "cargo test under wine: $(grep -E '^test .*FAILED|^error|panicked' "$work/wine-tests.log" | head -10)"
      tail -n 30 "$work/wine-tests.log"
    fi
  fi
fi

if [[ $failures -gt 0 ]]; then
  printf 'smoke-cross.sh: %d check(s) failed\n' "$failures"
  exit 1
fi
printf 'smoke-cross.sh: every platform that runs here gives the native output\n'
