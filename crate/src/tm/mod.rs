//! ThreatMiner's API: which requests to send for an indicator, and what its
//! answers mean. Everything here is pure; the wasm bindings do the sending.

use serde::Serialize;

/// A ThreatMiner API endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Endpoint {
    /// `domain.php`
    Domain,
    /// `host.php`
    Host,
    /// `sample.php`
    Sample,
}

/// One request: an endpoint, a query value and a section number (`rt`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Request {
    /// The endpoint.
    pub endpoint: Endpoint,
    /// The value sent as `q`.
    pub q: String,
    /// The section number.
    pub rt: u8,
}

/// How ThreatMiner answered one request.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Outcome {
    /// Results were found.
    Ok {
        /// The answer's `results`, as sent.
        results: serde_json::Value,
    },
    /// ThreatMiner has nothing for this value.
    Empty,
    /// The request failed; the message says why in words for people.
    Error {
        /// What happened and what to do next.
        message: String,
    },
}
