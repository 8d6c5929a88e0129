#!/usr/bin/env bash
# Nobi Pro: set-up, build, test, package. Safe to re-run; every step says what it does and the
# script stops at the first failure with a non-zero exit.
#
#   ./build.sh          install what is missing, build dist/ (the unpacked extension) and the zip
#   ./build.sh test     fmt, clippy (native + wasm32), cargo test, wasm-bindgen-test, end-to-end
#   ./build.sh bench    size budgets and benchmark figures
#   ./build.sh demo     Chromium with the extension on the fixture pages (headed if a display exists)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
ROOT=$(pwd)
DIST="$ROOT/dist"
WASM_TARGET=wasm32-unknown-unknown
# The content script is also compiled to JavaScript (wasm2js) for pages whose CSP forbids wasm.
# wasm2js needs an MVP build; it has its own target dir so the other crates keep their cache.
MVP_TARGET_DIR="$ROOT/target/mvp"
# The panel is built with Leptos's `erase_components` (type-erased views: far less
# monomorphised code); its own target dir keeps the other crates' cache.
PANEL_TARGET_DIR="$ROOT/target/panel"
# The worker and the address engine: release wasm, built by the pinned nightly below, in their own
# target dir so that the stable toolchain's test builds in target/ keep their cache.
WASM_TARGET_DIR="$ROOT/target/wasm-release"
WASM_OUT="$WASM_TARGET_DIR/$WASM_TARGET/release"
# The shipped wasm is built by a pinned nightly that rebuilds std for size: `-Cpanic=immediate-abort`
# drops the panic machinery (messages, formatting, unwinding tables) that every module otherwise
# carries, and `optimize_for_size` picks std's small algorithms. Measured on 2026-12-05: content
# script 74.7 -> 66.7 KB gzip, panel 611 -> 546 KB. Tests, clippy and the CLI stay on stable.
# A panic then traps without a message (it already aborted: panic = "abort"), so its source
# location is never shown either: `-Zlocation-detail=none` leaves out the file paths and line
# numbers that would still be stored (content script 60.9 -> 60.5 KB gzip).
NIGHTLY=nightly-2026-05-20
NIGHTLY_FLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none"
BUILD_STD=(-Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size)
NODE_BIN="$ROOT/tests/node_modules/.bin"

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
die() { printf '\033[1;31mbuild.sh:\033[0m %s\n' "$*" >&2; exit 1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "need root to run: $*"; fi; }

version() { sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$ROOT/manifest.json" | head -n1; }
lock_version() { awk -v name="$1" '$0 == "name = \"" name "\"" { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"; }

apt_install() {
  say "installing $* from Debian's packages"
  if [ -z "${APT_UPDATED:-}" ]; then as_root apt-get update -qq; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_tools() {
  command -v cargo >/dev/null || die "cargo is missing: install Rust with rustup (https://rustup.rs), then re-run."
  if ! rustup target list --installed 2>/dev/null | grep -qx "$WASM_TARGET"; then
    say "adding the Rust target $WASM_TARGET"
    rustup target add "$WASM_TARGET"
  fi
  local wb; wb=$(lock_version wasm-bindgen)
  [ -n "$wb" ] || die "wasm-bindgen is not in Cargo.lock"
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wb" ]; then
    say "installing wasm-bindgen-cli $wb (must equal the wasm-bindgen in Cargo.lock; takes a few minutes once)"
    cargo install wasm-bindgen-cli --version "$wb" --force --quiet
  fi
  if ! rustup run "$NIGHTLY" rustc --version >/dev/null 2>&1 \
     || ! rustup component list --installed --toolchain "$NIGHTLY" 2>/dev/null | grep -q '^rust-src'; then
    say "installing the Rust toolchain $NIGHTLY with rust-src (builds the shipped wasm; see NIGHTLY above)"
    rustup toolchain install "$NIGHTLY" --profile minimal --component rust-src
  fi
  # wasm-split (Leptos's code splitting): the CLI at the version of the wasm_split_helpers the
  # panel links, since both sides agree on the split points' magic names.
  local ws; ws=$(lock_version wasm_split_helpers)
  if ! cargo install --list 2>/dev/null | grep -qx "wasm_split_cli_support v$ws:"; then
    say "installing wasm-split-cli $ws (splits the panel into lazily loaded chunks; a minute once)"
    cargo install --locked --quiet wasm_split_cli_support --version "$ws" --features build-binary
  fi
  command -v node >/dev/null && command -v npm >/dev/null || apt_install nodejs npm
  if [ ! -f tests/node_modules/.package-lock.json ] || [ tests/package-lock.json -nt tests/node_modules/.package-lock.json ]; then
    say "installing the npm packages of tests/ (npm ci: playwright-core, lexical, binaryen, esbuild)"
    (cd tests && npm ci --no-audit --no-fund --loglevel=error)
  fi
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
  # Emoji in the screenshots (the README's) render as boxes without a colour emoji font.
  [ -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || missing+=(fonts-noto-color-emoji)
  # The team server's tests start a throwaway PostgreSQL cluster (initdb as the package's
  # `postgres` user when run as root); never a mock.
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
  [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
  command -v python3 >/dev/null || apt_install python3
}

# wasm-opt from npm's binaryen: Debian's version breaks current Rust output (see ARCHITECTURE.md).
wasm_opt() { "$NODE_BIN/wasm-opt" "$@"; }
WASM_FEATURES=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
               --enable-mutable-globals --enable-reference-types --enable-multivalue)

bindgen() { # crate-wasm out-dir out-name target
  rm -rf "$2"; mkdir -p "$2"
  wasm-bindgen --target "$4" --no-typescript --remove-name-section --remove-producers-section \
    --out-dir "$2" --out-name "$3" "$1"
}

build_wasm() {
  say "building the service worker (release, opt-level z, lto, $NIGHTLY with std rebuilt for size)"
  CARGO_TARGET_DIR="$WASM_TARGET_DIR" RUSTFLAGS="$NIGHTLY_FLAGS" \
    cargo "+$NIGHTLY" build --release --target "$WASM_TARGET" "${BUILD_STD[@]}" -p nobi-background --lib
  say "building the side panel (release, opt-level z, lto, erase_components, relocations for wasm-split)"
  CARGO_TARGET_DIR="$PANEL_TARGET_DIR" RUSTFLAGS="--cfg erase_components $NIGHTLY_FLAGS -Clink-args=--emit-relocs" \
    cargo "+$NIGHTLY" build --release --target "$WASM_TARGET" "${BUILD_STD[@]}" -p nobi-ui --bin nobi-panel
  say "building the address engine (its own wasm module, loaded by the panel only when needed)"
  CARGO_TARGET_DIR="$WASM_TARGET_DIR" RUSTFLAGS="$NIGHTLY_FLAGS" \
    cargo "+$NIGHTLY" build --release --target "$WASM_TARGET" "${BUILD_STD[@]}" -p nobi-address-wasm
  say "building the workbook reader (its own wasm module: its CRC and inflate tables stay out of the panel)"
  CARGO_TARGET_DIR="$WASM_TARGET_DIR" RUSTFLAGS="$NIGHTLY_FLAGS" \
    cargo "+$NIGHTLY" build --release --target "$WASM_TARGET" "${BUILD_STD[@]}" -p nobi-tabular-wasm
  say "building team sync (its own wasm module: the service worker loads it only once a shop connects a server)"
  CARGO_TARGET_DIR="$WASM_TARGET_DIR" RUSTFLAGS="$NIGHTLY_FLAGS" \
    cargo "+$NIGHTLY" build --release --target "$WASM_TARGET" "${BUILD_STD[@]}" -p nobi-sync-worker
  say "building the content script (release, MVP features, for wasm and wasm2js)"
  CARGO_TARGET_DIR="$MVP_TARGET_DIR" RUSTFLAGS="-C target-cpu=mvp $NIGHTLY_FLAGS" \
    cargo "+$NIGHTLY" build --release --target "$WASM_TARGET" "${BUILD_STD[@]}" -p nobi-content --lib

  local stage="$ROOT/target/stage"
  rm -rf "$stage"; mkdir -p "$stage"
  # std's objects advertise features the MVP build does not use; left in, they make
  # wasm-bindgen expect reference types that are not there.
  local mvp="$stage/content-mvp.wasm"
  wasm_opt --strip-target-features "$MVP_TARGET_DIR/$WASM_TARGET/release/nobi_content.wasm" -o "$mvp"
  say "wasm-bindgen --target web + wasm-opt -Oz"
  say "wasm-split: the panel's #[lazy] screens (ui/src/split.rs) into chunks loaded on first use"
  wasm-split-cli --target web --out-name nobi_panel \
    "$PANEL_TARGET_DIR/$WASM_TARGET/release/nobi-panel.wasm" "$stage/panel-split" > "$stage/wasm-split.log" 2>&1 \
    || { cat "$stage/wasm-split.log" >&2; die "wasm-split-cli failed"; }
  # A read-only segment that relocation would lengthen stays whole in the first module, with every
  # chunk's strings (ui/src/main.rs, DATA_SPLIT_SLACK, keeps it from happening).
  if grep -q 'Overlong segment' "$stage/wasm-split.log"; then
    say "warning: wasm-split kept a data segment in the panel's first module (raise DATA_SPLIT_SLACK in ui/src/main.rs)"
  fi
  # The chunks import the main module's function table: wasm-bindgen must keep its export.
  rm -rf "$stage/panel"; mkdir -p "$stage/panel"
  wasm-bindgen --target web --no-typescript --keep-lld-exports --remove-name-section --remove-producers-section \
    --out-dir "$stage/panel" --out-name nobi_panel "$stage/panel-split/nobi_panel.wasm"
  python3 "$ROOT/extension/panel/strip-custom.py" "$stage/panel-split"/chunk_*.wasm "$stage/panel-split"/split_*.wasm
  cp "$stage/panel-split"/__wasm_split.js "$stage/panel-split"/chunk_*.wasm "$stage/panel-split"/split_*.wasm "$stage/panel/"
  bindgen "$WASM_OUT/nobi_background.wasm" "$stage/background" nobi_background web
  bindgen "$mvp" "$stage/content" nobi_content web
  bindgen "$WASM_OUT/nobi_address_wasm.wasm" "$stage/address" nobi_address_wasm web
  bindgen "$WASM_OUT/nobi_tabular_wasm.wasm" "$stage/tabular" nobi_tabular_wasm web
  bindgen "$WASM_OUT/nobi_sync_worker.wasm" "$stage/sync" nobi_sync_worker web
  # Not the split panel: its chunks address the main module's function table by index, which
  # wasm-opt may renumber (and -Oz saves under 1 KB there).
  for f in "$stage"/background/*.wasm "$stage"/content/*.wasm "$stage"/address/*.wasm "$stage"/tabular/*.wasm "$stage"/sync/*.wasm; do
    wasm_opt -Oz --strip-debug --strip-producers "${WASM_FEATURES[@]}" "$f" -o "$f"
  done

  say "wasm2js build of the content script (for strict-CSP pages)"
  bindgen "$mvp" "$stage/content-js" nobi_content bundler
  "$NODE_BIN/wasm2js" --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals -Oz "$stage/content-js/nobi_content_bg.wasm" -o "$stage/content-js/nobi_content_bg.wasm.js"
  rm "$stage/content-js/nobi_content_bg.wasm"
  python3 "$ROOT/extension/content/patch-wasm2js-glue.py" "$stage/content-js"
}

assemble() {
  local stage="$ROOT/target/stage" v; v=$(version)
  say "assembling dist/ (version $v)"
  rm -rf "$DIST"; mkdir -p "$DIST"
  cp manifest.json "$DIST/"
  cp -r extension/_locales extension/icons "$DIST/"
  mkdir -p "$DIST/background" "$DIST/panel" "$DIST/content"
  cp extension/background/background.js "$DIST/background/"
  cp -r "$stage/background" "$DIST/background/wasm"
  cp -r "$stage/sync" "$DIST/background/sync"
  cp extension/panel/panel.html extension/panel/panel.js extension/panel/panel.css "$DIST/panel/"
  cp -r "$stage/panel" "$DIST/panel/wasm"
  cp -r "$stage/address" "$DIST/panel/address"
  cp -r "$stage/tabular" "$DIST/panel/tabular"
  cp extension/content/loader.js "$DIST/content/"
  cp -r "$stage/content" "$DIST/content/wasm"
  cp -r "$stage/content-js" "$DIST/content/js"
  python3 - "$DIST" "nobi-pro-$v.zip" <<'PY'
import os, sys, zipfile
dist, name = sys.argv[1], sys.argv[2]
files = sorted(os.path.relpath(os.path.join(d, f), dist) for d, _, fs in os.walk(dist) for f in fs)
with zipfile.ZipFile(os.path.join(dist, name), "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    for rel in files:
        info = zipfile.ZipInfo(rel, date_time=(2026, 1, 1, 0, 0, 0))  # reproducible archive
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        with open(os.path.join(dist, rel), "rb") as fh:
            z.writestr(info, fh.read())
print(f"{name}: {len(files)} files, {os.path.getsize(os.path.join(dist, name)):,} bytes")
PY
}

size_table() {
  python3 "$ROOT/tests/bench/sizes.py" "$DIST" "${1:-}"
}

cmd_build() {
  ensure_tools
  build_wasm
  assemble
  size_table
  say "done: load $DIST in chrome://extensions (Developer mode → Load unpacked)"
}

cmd_test() {
  ensure_tools
  [ -f "$DIST/manifest.json" ] && [ -z "${NOBI_REBUILD:-}" ] && [ -z "$(find core ui extension manifest.json -newer "$DIST/manifest.json" -type f -print -quit)" ] \
    || cmd_build
  say "cargo fmt --check"
  cargo fmt --all -- --check || die "formatting differs: run 'cargo fmt --all'"
  say "clippy, native"
  cargo clippy --workspace --all-targets --quiet -- -D warnings
  say "clippy, wasm32"
  cargo clippy --target "$WASM_TARGET" -p nobi-ui -p nobi-content -p nobi-background -p nobi-sync-worker -p nobi-store --all-targets --quiet -- -D warnings
  say "the panel's layers: no feature imports another in a cycle, no layer uses one above it"
  python3 tests/arch/layers.py
  say "tier 1: cargo test (every core crate and the nobi CLI: the workspace's default members)"
  cargo test
  say "tier 1: the team server against a real PostgreSQL (a throwaway cluster the tests start and remove)"
  cargo test -p nobi-server
  say "tier 2: wasm-bindgen-test (content-script DOM code in headless Chromium; message bridge)"
  # The runner reads webdriver.json (Chromium flags for root, headless) from the crate directory.
  (cd extension/content && CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=120 \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
    cargo test --target "$WASM_TARGET" -p nobi-content -p nobi-bridge)
  say "tier 2: wasm-bindgen-test (the panel's IndexedDB store and form helpers in headless Chromium)"
  (cd ui && CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=120 \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
    cargo test --target "$WASM_TARGET" -p nobi-ui --features unsplit --lib --test store --test keys)
  # Two test files at a time (tests/package.json), each with its own browser and profile: on this
  # 2-core machine the 194 tests took 12 min one at a time and 6.6 min two at a time (2026-12-06).
  say "tier 3: end to end (dist/ in headless Chromium, fixture pages at the real URLs)"
  (cd tests && NOBI_DIST="$DIST" npm test --silent)
}

cmd_bench() {
  ensure_tools
  cmd_build >/dev/null
  say "sizes against budgets"
  # An over-budget module is reported, and the other figures are still measured.
  size_table --budgets || say "some modules are over budget (see the table)"
  say "domain code (native, optimised)"
  cargo run --quiet --profile native-release -p nobi-cli -- bench
  say "end to end timings"
  (cd tests && NOBI_DIST="$DIST" node fixtures/build.mjs >/dev/null && NOBI_DIST="$DIST" node bench/e2e-bench.mjs)
  say "adapters on every page shape (classic and 2026, both languages, both wordings)"
  (cd tests && NOBI_DIST="$DIST" node bench/shapes-bench.mjs)
  say "side panel CRM: cold open with 10,000 customers, search over 50,000"
  (cd tests && NOBI_DIST="$DIST" node bench/crm-bench.mjs)
  say "outbox: 100 messages to 100 threads, pacing off"
  (cd tests && NOBI_DIST="$DIST" node bench/outbox-bench.mjs)
  say "campaign: 1,000 recipients against fixture threads (throughput, exactly once, stored size)"
  (cd tests && NOBI_DIST="$DIST" node bench/campaign-bench.mjs)
  say "team server: 20 agents, 10,000 customers, over a throwaway PostgreSQL (push/pull, A's change in B's pull, memory)"
  cargo bench --quiet -p nobi-server --bench sync
  say "team mode end to end: a note by agent A in agent B's panel (two profiles, the real server)"
  (cd tests && NOBI_DIST="$DIST" node bench/team-bench.mjs)
  say "address engine in Chromium (wasm)"
  (cd tests && node bench/address-wasm.mjs "$DIST/panel/address")
}

cmd_demo() {
  ensure_tools
  [ -f "$DIST/manifest.json" ] || cmd_build
  (cd tests && node fixtures/build.mjs >/dev/null && NOBI_DIST="$DIST" node demo.mjs)
}

case "${1:-build}" in
  build) cmd_build ;;
  test) cmd_test ;;
  bench) cmd_bench ;;
  demo) cmd_demo ;;
  -h|--help|help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' ;;
  *) die "unknown command '$1' (try: ./build.sh help)" ;;
esac
