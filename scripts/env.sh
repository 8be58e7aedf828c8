# Sourced by the other scripts: chooses the Rust toolchain that can build the wasm front end and
# sets the variables for it. Nothing here is committed into Cargo.toml or .cargo/config.toml, so a
# machine whose rustup has the wasm32 target builds the project unchanged, with plain `cargo leptos`.
#
# Exports CARGO_TARGET_DIR (builds cached outside the clone) and, where rustup lacks the wasm32
# target, RUSTUP_TOOLCHAIN=porte-web (Debian's rustc-web, linked by scripts/setup) plus what that
# compiler needs to build std for wasm itself. Defines the arrays PORTE_LEPTOS_ARGS (for
# `cargo leptos`) and PORTE_WASM_ARGS (for other cargo commands with --target wasm32-unknown-unknown).

PORTE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export HOME="${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/porte/target}"
export PATH="$HOME/.cargo/bin:$PATH"
PORTE_DEBIAN_TOOLCHAIN=porte-web
PORTE_LEPTOS_ARGS=()
PORTE_WASM_ARGS=()

# True when the toolchain rustup picks here has the wasm32 standard library installed.
porte_rustup_has_wasm() {
  local sysroot
  sysroot="$(cd "$PORTE_ROOT" && rustc --print sysroot 2>/dev/null)" || return 1
  [ -d "$sysroot/lib/rustlib/wasm32-unknown-unknown/lib" ]
}

if [ -z "${RUSTUP_TOOLCHAIN:-}" ] && porte_rustup_has_wasm; then
  PORTE_TOOLCHAIN_KIND=rustup
else
  PORTE_TOOLCHAIN_KIND=debian
  export RUSTUP_TOOLCHAIN="${RUSTUP_TOOLCHAIN:-$PORTE_DEBIAN_TOOLCHAIN}"
  # Debian's rustc has no rust-lld; wasm-ld-22 is the linker of the same LLVM.
  export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-22
  # -Zbuild-std on a stable compiler. Always set on this route, so build scripts that probe it
  # see one value and nothing is rebuilt between runs.
  export RUSTC_BOOTSTRAP=1
  PORTE_WASM_ARGS=(-Zbuild-std=std,panic_abort)
  PORTE_LEPTOS_ARGS=(--lib-cargo-args=-Zbuild-std=std,panic_abort)
fi

# What the server binary needs at run time outside cargo-leptos (mirrors Cargo.toml metadata).
porte_export_site_env() {
  export LEPTOS_OUTPUT_NAME=porte
  export LEPTOS_SITE_ROOT="$PORTE_ROOT/target/site"
  export LEPTOS_SITE_PKG_DIR=pkg
  export LEPTOS_HASH_FILES=true
  export LEPTOS_SITE_ADDR="${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"
  export LEPTOS_RELOAD_PORT=3001
}

# The local provider's client, from its own registration file (a dev-only secret).
porte_export_local_provider() {
  local clients="$PORTE_ROOT/end2end/provider/clients.json"
  export OIDC_LOCAL_ISSUER="http://127.0.0.1:${OIDC_PORT:-4010}"
  export OIDC_LOCAL_CLIENT_ID="$(node -p "require('$clients')[0].client_id")"
  export OIDC_LOCAL_CLIENT_SECRET="$(node -p "require('$clients')[0].client_secret")"
  export OIDC_LOCAL_SCOPES="${OIDC_LOCAL_SCOPES:-openid profile email groups}"
}

# Cargo hashes the workspace's own crates relative to the workspace root, so every checkout of
# Porte shares artifact names in one CARGO_TARGET_DIR and freshness is judged by file times alone:
# after building checkout B, an older checkout A looks fresh and would get B's server and wasm
# (whose server-function URLs embed B's path). When the cache was last used by another checkout,
# make this checkout's crate roots newer than those artifacts; dependencies stay cached.
porte_claim_target_dir() {
  local owner="$CARGO_TARGET_DIR/.porte-checkout"
  if [ "$(cat "$owner" 2>/dev/null)" != "$PORTE_ROOT" ]; then
    touch "$PORTE_ROOT"/porte/src/lib.rs "$PORTE_ROOT"/app/src/lib.rs "$PORTE_ROOT"/frontend/src/lib.rs \
      "$PORTE_ROOT"/server/src/main.rs "$PORTE_ROOT"/examples/minimal/src/lib.rs \
      "$PORTE_ROOT"/examples/minimal/src/main.rs
    mkdir -p "$CARGO_TARGET_DIR" && echo "$PORTE_ROOT" > "$owner"
  fi
}
porte_claim_target_dir

porte_log() { echo "porte: $*" >&2; }
