//! Server settings with their defaults. Times are in seconds; tests shorten or lengthen them.

#[derive(Clone, Debug)]
pub struct Config {
    /// Lifetime of an access token (short: a stolen one is soon useless).
    pub token_ttl_secs: i64,
    /// Lifetime of a refresh token (rotated on every use).
    pub refresh_ttl_secs: i64,
    /// An agent whose last heartbeat is older than this is offline for round-robin.
    pub online_secs: i64,
    /// Largest request body accepted, in bytes.
    pub body_limit: usize,
    /// Per-token rate limit: sustained requests per second and burst size.
    pub rate_per_sec: f64,
    pub rate_burst: f64,
    /// Join / refresh attempts (no token yet): one bucket for the whole server.
    pub anon_rate_per_sec: f64,
    pub anon_rate_burst: f64,
    /// Invitation lifetime when the inviter gives none.
    pub invitation_ttl_secs: i64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            token_ttl_secs: 3600,
            refresh_ttl_secs: 30 * 24 * 3600,
            online_secs: 120,
            body_limit: 1 << 20,
            rate_per_sec: 20.0,
            rate_burst: 200.0,
            anon_rate_per_sec: 5.0,
            anon_rate_burst: 50.0,
            invitation_ttl_secs: 7 * 24 * 3600,
        }
    }
}
