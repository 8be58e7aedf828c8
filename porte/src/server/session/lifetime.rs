//! How long a session lives (OWASP's session rules, Auth.js's `maxAge`): every sealed session
//! carries a random id, its sign-in time, its last use, an absolute expiry and an idle expiry.
//! Using the session (restore, refresh, the app's protected calls) moves the idle expiry later,
//! never past the absolute one; past either, the session is over.
//!
//! The configured lifetimes are applied at every check, from the sign-in and last-use times, not
//! only when a session is sealed: lowering them (or setting a cut-off, "sessions signed in
//! before T are over") takes effect at once for sessions signed in before.

use rand::RngCore;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Absolute lifetime by default: 30 days, Auth.js's `session.maxAge` — long enough that "remember
/// me" means a month of not signing in again, short enough that a lost laptop's session dies.
pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(30 * 24 * 3600);
/// Idle lifetime by default: 7 days without any use (no open tab refreshing it, no call).
pub const DEFAULT_IDLE: Duration = Duration::from_secs(7 * 24 * 3600);

/// The configured lifetimes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Policy {
    /// From sign-in to the end, whatever happens.
    pub max_age: u64,
    /// From the last use to the end.
    pub idle: u64,
    /// Sessions signed in before this Unix time are over (0: no cut-off).
    pub not_before: u64,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            max_age: DEFAULT_MAX_AGE.as_secs(),
            idle: DEFAULT_IDLE.as_secs(),
            not_before: 0,
        }
    }
}

/// One session's id and times (Unix seconds), sealed with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Lifetime {
    /// Random, 128 bits: the key under which a logout is remembered (revocation store).
    pub session_id: String,
    /// The sign-in.
    pub signed_in_at: u64,
    /// The end, whatever happens (as sealed; a lower configured maximum ends it sooner).
    pub expires_at: u64,
    /// The end unless the session is used before (as sealed).
    pub idle_until: u64,
    /// The last use. Absent from sessions sealed before it was kept: their idle expiry stands.
    #[serde(default)]
    pub last_used_at: Option<u64>,
}

/// Why a session is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// Past its absolute lifetime.
    Absolute,
    /// Unused for longer than its idle lifetime.
    Idle,
    /// Signed in before the operator's cut-off (`PORTE_SESSIONS_NOT_BEFORE`).
    CutOff,
}

impl Lifetime {
    /// A new session signed in at `now`.
    pub fn start(now: u64, policy: Policy) -> Self {
        let mut id = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut id);
        let expires_at = now.saturating_add(policy.max_age);
        Self {
            session_id: hex::encode(id),
            signed_in_at: now,
            expires_at,
            idle_until: now.saturating_add(policy.idle).min(expires_at),
            last_used_at: Some(now),
        }
    }

    /// The times as they stand under `policy`: the sealed expiries, or sooner where the policy
    /// is stricter than when they were sealed.
    pub fn under(&self, policy: Policy) -> Self {
        let expires_at = self
            .expires_at
            .min(self.signed_in_at.saturating_add(policy.max_age));
        let last_use = self
            .last_used_at
            .unwrap_or_else(|| self.idle_until.saturating_sub(policy.idle));
        let idle_until = self
            .idle_until
            .min(last_use.saturating_add(policy.idle))
            .min(expires_at);
        Self {
            expires_at,
            idle_until,
            ..self.clone()
        }
    }

    /// Whether the session is still alive at `now` under `policy`.
    pub fn check(&self, now: u64, policy: Policy) -> Result<(), Expiry> {
        let current = self.under(policy);
        if self.signed_in_at < policy.not_before {
            Err(Expiry::CutOff)
        } else if now >= current.expires_at {
            Err(Expiry::Absolute)
        } else if now >= current.idle_until {
            Err(Expiry::Idle)
        } else {
            Ok(())
        }
    }

    /// The session used at `now`: the idle expiry moves to `now + idle`, never past the absolute
    /// expiry and never earlier than it was (an instance whose clock is behind cannot shorten it).
    pub fn used(&self, now: u64, policy: Policy) -> Self {
        let current = self.under(policy);
        let idle_until = now
            .saturating_add(policy.idle)
            .min(current.expires_at)
            .max(current.idle_until);
        Self {
            idle_until,
            last_used_at: Some(self.last_used_at.unwrap_or(0).max(now)),
            ..current
        }
    }

    /// Whether a use at `now` is worth a new seal: more than a quarter of the idle window has
    /// passed since the last one (so busy pages do not re-seal on every call).
    pub fn wants_renewal(&self, now: u64, policy: Policy) -> bool {
        let current = self.under(policy);
        let left = current.idle_until.saturating_sub(now);
        left < policy.idle - policy.idle / 4
            && self.used(now, policy).idle_until != current.idle_until
    }
}

impl From<&Lifetime> for crate::SessionTimes {
    fn from(l: &Lifetime) -> Self {
        Self {
            signed_in_at: l.signed_in_at,
            expires_at: l.expires_at,
            idle_until: l.idle_until,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: Policy = Policy {
        max_age: 100,
        idle: 20,
        not_before: 0,
    };

    #[test]
    fn a_new_session_has_a_random_id_and_both_expiries() {
        let (a, b) = (Lifetime::start(1000, POLICY), Lifetime::start(1000, POLICY));
        assert_ne!(a.session_id, b.session_id);
        assert_eq!(a.session_id.len(), 32);
        assert_eq!(
            (a.signed_in_at, a.expires_at, a.idle_until),
            (1000, 1100, 1020)
        );
        assert_eq!(a.check(1019, POLICY), Ok(()));
        assert_eq!(a.check(1020, POLICY), Err(Expiry::Idle));
        assert_eq!(crate::SessionTimes::from(&a).ends_at(), 1020);
    }

    #[test]
    fn use_extends_the_idle_expiry_but_never_past_the_absolute_one() {
        let mut l = Lifetime::start(1000, POLICY);
        for now in (1010..1100).step_by(10) {
            assert_eq!(
                l.check(now, POLICY),
                Ok(()),
                "used every 10 s, alive at {now}"
            );
            l = l.used(now, POLICY);
            assert!(l.idle_until <= l.expires_at);
        }
        assert_eq!(l.idle_until, 1100, "capped at the absolute expiry");
        assert_eq!(l.check(1100, POLICY), Err(Expiry::Absolute));
        assert_eq!(
            l.used(1100, POLICY).check(1100, POLICY),
            Err(Expiry::Absolute)
        );
    }

    #[test]
    fn a_clock_behind_never_shortens_and_huge_values_do_not_overflow() {
        let l = Lifetime::start(1000, POLICY).used(1015, POLICY);
        assert_eq!(l.idle_until, 1035);
        // Another instance, 30 s behind, sees a use: the expiry stays.
        assert_eq!(l.used(985, POLICY).idle_until, 1035);
        assert_eq!(l.used(985, POLICY).last_used_at, Some(1015));
        let far = Lifetime::start(u64::MAX - 5, POLICY);
        assert_eq!((far.expires_at, far.idle_until), (u64::MAX, u64::MAX));
        assert_eq!(far.used(u64::MAX, POLICY).idle_until, u64::MAX);
        let huge = Policy {
            max_age: u64::MAX,
            idle: u64::MAX,
            not_before: 0,
        };
        assert_eq!(Lifetime::start(10, huge).check(u64::MAX - 1, huge), Ok(()));
    }

    #[test]
    fn renewal_is_wanted_once_a_quarter_of_the_idle_window_passed() {
        let l = Lifetime::start(1000, POLICY);
        assert!(!l.wants_renewal(1004, POLICY), "4 s of 20: not yet");
        assert!(l.wants_renewal(1006, POLICY), "6 s of 20");
        let capped = Lifetime::start(1000, POLICY).used(1090, POLICY);
        assert_eq!(capped.idle_until, 1100);
        assert!(
            !capped.wants_renewal(1095, POLICY),
            "nothing to gain at the absolute end"
        );
    }

    #[test]
    fn lowered_lifetimes_apply_to_sessions_sealed_under_the_old_ones() {
        // Signed in under the defaults (30 days, idle 7 days), used once a day later.
        let day = 24 * 3600;
        let l =
            Lifetime::start(1_000_000, Policy::default()).used(1_000_000 + day, Policy::default());
        let now = 1_000_000 + day + 60;
        assert_eq!(l.check(now, Policy::default()), Ok(()));
        // The operator lowers the maximum age to an hour: over, although the seal says 30 days.
        let short = Policy {
            max_age: 3600,
            ..Policy::default()
        };
        assert_eq!(l.check(now, short), Err(Expiry::Absolute));
        // Or the idle lifetime to 30 s: over, a minute after its last use.
        let brief = Policy {
            idle: 30,
            ..Policy::default()
        };
        assert_eq!(l.check(now, brief), Err(Expiry::Idle));
        // A use re-seals the stricter times; it cannot bring the session back.
        assert_eq!(l.used(now, short).check(now, short), Err(Expiry::Absolute));
        assert_eq!(l.under(short).expires_at, 1_000_000 + 3600);
    }

    #[test]
    fn a_cut_off_ends_every_session_signed_in_before_it() {
        let l = Lifetime::start(1000, POLICY);
        let cut = |t| Policy {
            not_before: t,
            ..POLICY
        };
        assert_eq!(l.check(1001, cut(1001)), Err(Expiry::CutOff));
        assert_eq!(
            l.check(1001, cut(1000)),
            Ok(()),
            "signed in at the cut-off: kept"
        );
        assert_eq!(
            Lifetime::start(1002, cut(1001)).check(1003, cut(1001)),
            Ok(())
        );
    }

    #[test]
    fn sessions_sealed_before_last_use_was_kept_keep_their_idle_expiry() {
        let mut old = Lifetime::start(1000, POLICY);
        old.last_used_at = None;
        assert_eq!(old.under(POLICY).idle_until, 1020);
        let json = r#"{"session_id":"ab","signed_in_at":1,"expires_at":9,"idle_until":5}"#;
        let parsed: Lifetime = serde_json::from_str(json).unwrap();
        assert_eq!(parsed.last_used_at, None);
    }
}
