//! Allocator tuning for a long-running server.
//!
//! glibc gives threads that contend for `malloc` arenas of their own (up to 8 per core); a tokio
//! server's RSS then creeps up through its first thousands of requests as arenas appear and
//! fragment. Measured with `scripts/load` (10,000 logins at concurrency 64, 3 runs each): default
//! 18.5–20.3 MiB at the end, 103–111 % of the RSS after 1,000 logins; two arenas 103–110 %; one
//! arena 17.4–17.5 MiB, 102–104 %, and server CPU per login no higher (0.34–0.36 ms). The server
//! spends most of its time waiting on the network, so one shared arena costs nothing measurable.

/// Limits glibc to one malloc arena unless `MALLOC_ARENA_MAX` says otherwise. Call before any
/// thread starts.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn limit_malloc_arenas() {
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only changes the allocator's tuning, and no other thread exists yet.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 1);
        }
    }
}

/// Other allocators need no such limit.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn limit_malloc_arenas() {}
