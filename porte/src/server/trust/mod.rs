//! The authorization rules apps build on, each tried as an attacker or an operator would try
//! it, in process (no browser): group checks tied to a provider and to fresh groups, sessions an
//! operator can cut short, logouts that never fail open, refresh errors that mean what they say,
//! key rotation without casualties, bounded tokens, public clients that never send a secret,
//! and no secret in any `Debug`. The same attacks through real browsers are in
//! `end2end/tests/trust.spec.ts`.

mod fixtures;
mod flows;
mod groups;
mod keys;
mod lifetimes;
mod logout;
mod public_client;
mod redaction;
mod refresh;
mod router;
