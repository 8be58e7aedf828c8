//! The server half's one wall clock: whole seconds since the Unix epoch (token and session
//! expiries, flow ages, revocations). A clock before 1970 reads 0 rather than failing.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch.
pub(crate) fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
