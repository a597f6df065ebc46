//! Reading ThreatMiner's answers, including the ways the service fails.

use serde::Serialize;
use serde_json::Value;

use super::endpoint::Endpoint;
use super::view::{self, SectionView};

/// How ThreatMiner answered one request.
///
/// Serialized with a `state` tag:
/// * `{"state":"ok","count":N,"view":{..},"results":[..]}`
/// * `{"state":"empty","message":".."}`
/// * `{"state":"error","kind":"..","message":"..","retryable":b,"throttled":b}`
///   (plus `"detail"` when there is a technical cause to log)
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Outcome {
    /// Results were found.
    Ok(Found),
    /// ThreatMiner has nothing for this value in this section: an answer,
    /// not a failure.
    Empty {
        /// A sentence for people, naming the section.
        message: String,
    },
    /// The request failed.
    Error(TmError),
}

/// A section with results.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Found {
    /// How many items the section holds (see [`SectionView::len`]).
    pub count: usize,
    /// What the results page draws.
    pub view: SectionView,
    /// The answer's `results`, as sent, for export.
    pub results: Value,
}

/// Why a request failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// HTTP 5xx: the service or the server in front of it broke.
    ServerError,
    /// HTTP 403, usually a web page from the CDN in front of ThreatMiner.
    Blocked,
    /// HTTP 204 or 429: the rate limit was reached.
    Throttled,
    /// Another HTTP status that carried no usable answer.
    HttpStatus,
    /// HTTP 200 with nothing in the body.
    EmptyBody,
    /// A body that is not JSON, often an HTML page.
    NotJson,
    /// JSON that stops before its end.
    Truncated,
    /// JSON that is not the answer expected for the section.
    UnexpectedShape,
    /// An answer whose `status_code` is neither 200 nor 404.
    Service,
    /// No answer in time (reported by the sender).
    Timeout,
    /// The request never reached ThreatMiner (reported by the sender).
    Network,
}

/// A failed request: what kind of failure, and what to tell people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TmError {
    /// The kind of failure.
    pub kind: ErrorKind,
    /// What happened and what to do next, in full sentences.
    pub message: String,
    /// Whether sending the same request again later may succeed.
    pub retryable: bool,
    /// Whether the queue should pause (about a minute) before sending more.
    pub throttled: bool,
    /// The technical cause, lower case, for the debug log only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl TmError {
    fn new(kind: ErrorKind, message: impl Into<String>) -> TmError {
        let retryable =
            !matches!(kind, ErrorKind::HttpStatus | ErrorKind::UnexpectedShape);
        TmError {
            kind,
            message: message.into(),
            retryable,
            throttled: kind == ErrorKind::Throttled,
            detail: None,
        }
    }

    fn with_detail(mut self, detail: impl Into<String>) -> TmError {
        self.detail = Some(detail.into());
        self
    }
}

impl std::fmt::Display for TmError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TmError {}

impl From<TmError> for Outcome {
    fn from(e: TmError) -> Outcome {
        Outcome::Error(e)
    }
}

impl Outcome {
    /// No answer arrived within `secs` seconds.
    pub fn timeout(secs: u32) -> Outcome {
        let msg = format!("ThreatMiner did not answer within {secs} s. Retry.");
        TmError::new(ErrorKind::Timeout, msg).into()
    }

    /// The request could not be sent or its answer not received; `detail`
    /// is what the browser said, kept for the debug log.
    pub fn network_failure(detail: &str) -> Outcome {
        let msg =
            "Could not reach ThreatMiner. Check the network connection, then retry.";
        TmError::new(ErrorKind::Network, msg)
            .with_detail(detail.trim())
            .into()
    }

    /// The state as serialized: `"ok"`, `"empty"` or `"error"`.
    pub fn state(&self) -> &'static str {
        match self {
            Outcome::Ok(_) => "ok",
            Outcome::Empty { .. } => "empty",
            Outcome::Error(_) => "error",
        }
    }
}

/// Reads one answer of `endpoint` for section `rt`.
///
/// Takes the HTTP status, the `Content-Type` header (empty when absent) and
/// the body text. Never panics, whatever the body: every failure becomes an
/// [`Outcome::Error`] whose message says what happened and what to do.
pub fn decode(
    endpoint: Endpoint,
    rt: u8,
    http_status: u16,
    content_type: &str,
    body: &str,
) -> Outcome {
    match read(endpoint, rt, http_status, content_type, body) {
        Ok(outcome) => outcome,
        Err(e) => Outcome::Error(e),
    }
}

fn read(
    endpoint: Endpoint,
    rt: u8,
    status: u16,
    content_type: &str,
    body: &str,
) -> Result<Outcome, TmError> {
    check_status(status)?;
    let body = body.trim_start_matches('\u{feff}').trim();
    let ok_status = (200..300).contains(&status);
    if body.is_empty() {
        return Err(if ok_status {
            TmError::new(
                ErrorKind::EmptyBody,
                "ThreatMiner sent an empty answer. Retry later.",
            )
        } else {
            status_error(status)
        });
    }
    let json: Value = match serde_json::from_str(body) {
        Ok(v) => v,
        Err(_) if !ok_status => return Err(status_error(status)),
        Err(e) if e.is_eof() => {
            let msg = "ThreatMiner's answer was cut short. Retry.";
            return Err(
                TmError::new(ErrorKind::Truncated, msg).with_detail(e.to_string())
            );
        }
        Err(e) => return Err(not_json(content_type, body).with_detail(e.to_string())),
    };
    let title = endpoint.title(rt);
    let results = match envelope(&json, &title)? {
        Envelope::Empty => return Ok(empty(&title)),
        Envelope::Results(r) => r,
    };
    if !ok_status {
        return Err(status_error(status));
    }
    let list: Vec<Value> = match results {
        Value::Array(items) => items.clone(),
        Value::Object(_) => vec![results.clone()],
        _ => return Err(shape(&title, "results is neither a list nor a record")),
    };
    let view = view::build(endpoint, rt, &list).map_err(|why| shape(&title, &why))?;
    if view.is_empty() {
        return Ok(empty(&title));
    }
    Ok(Outcome::Ok(Found {
        count: view.len(),
        view,
        results: results.clone(),
    }))
}

/// Fails early on statuses whose body is never the answer.
fn check_status(status: u16) -> Result<(), TmError> {
    let err = match status {
        204 | 429 => throttled(status),
        // The CDN in front of ThreatMiner answers 403 with a challenge page
        // when it suspects a flood: treat it as throttling, so the whole
        // queue waits instead of hammering it.
        403 => {
            let mut err = TmError::new(
                ErrorKind::Blocked,
                "ThreatMiner's web front refused the request (HTTP 403) and sent a \
                 web page instead of data. Lookups pause for a minute, then go on; \
                 if it persists, open the value on ThreatMiner's web site.",
            );
            err.throttled = true;
            err
        }
        500..=599 => TmError::new(
            ErrorKind::ServerError,
            format!("ThreatMiner returned an error page (HTTP {status}). Retry later."),
        ),
        _ => return Ok(()),
    };
    Err(err)
}

fn throttled(status: u16) -> TmError {
    let msg = if status == 204 {
        "ThreatMiner sent no content (HTTP 204), which it does when more than 10 \
         requests a minute reach it. Lookups pause for a minute, then go on."
    } else {
        "ThreatMiner is limiting requests (HTTP 429). Lookups pause for a minute, \
         then go on."
    };
    TmError::new(ErrorKind::Throttled, msg)
}

fn status_error(status: u16) -> TmError {
    TmError::new(
        ErrorKind::HttpStatus,
        format!(
            "ThreatMiner answered HTTP {status} without data. Check the API address \
             in the settings; if it is right, retry later."
        ),
    )
}

fn not_json(content_type: &str, body: &str) -> TmError {
    let html = content_type.to_ascii_lowercase().contains("html")
        || body.starts_with('<')
        || body
            .get(..15)
            .is_some_and(|s| s.eq_ignore_ascii_case("<!doctype html"));
    let msg = if html {
        "ThreatMiner sent a web page instead of data. Retry later."
    } else {
        "ThreatMiner sent an answer that is not JSON. Retry later."
    };
    TmError::new(ErrorKind::NotJson, msg)
}

fn shape(title: &str, why: &str) -> TmError {
    TmError::new(
        ErrorKind::UnexpectedShape,
        format!(
            "ThreatMiner's answer for {title} is not in the expected form. Open the \
             value on ThreatMiner's web site; the extension may need an update."
        ),
    )
    .with_detail(why)
}

fn empty(title: &str) -> Outcome {
    Outcome::Empty {
        message: format!("ThreatMiner has no results for {title}."),
    }
}

enum Envelope<'a> {
    Empty,
    Results(&'a Value),
}

/// Reads `{status_code, status_message, results}`.
///
/// `status_code` is a string on the wire and a number after some clients
/// re-serialise it; both are read. "404 / No results found." comes with
/// HTTP 200 and means an empty section.
fn envelope<'a>(json: &'a Value, title: &str) -> Result<Envelope<'a>, TmError> {
    let Some(obj) = json.as_object() else {
        return Err(shape(title, "the answer is not an object"));
    };
    let code = obj.get("status_code").and_then(status_code);
    let results = obj.get("results").filter(|r| !r.is_null());
    match code {
        Some(404) => return Ok(Envelope::Empty),
        Some(429) => return Err(throttled(429)),
        Some(200) | None => {}
        Some(other) => {
            let said = obj
                .get("status_message")
                .and_then(Value::as_str)
                .unwrap_or("");
            let msg = format!(
                "ThreatMiner answered with status {other}{}. Retry later.",
                if said.trim().is_empty() {
                    String::new()
                } else {
                    format!(" (\"{}\")", said.trim())
                }
            );
            return Err(TmError::new(ErrorKind::Service, msg));
        }
    }
    match results {
        Some(Value::Array(items)) if items.is_empty() => Ok(Envelope::Empty),
        Some(r) => Ok(Envelope::Results(r)),
        None if code.is_some() => Ok(Envelope::Empty),
        None => Err(shape(title, "no status_code and no results")),
    }
}

/// `"200"`, `200` and `200.0` are all 200.
fn status_code(v: &Value) -> Option<u16> {
    match v {
        Value::String(s) => s.trim().parse().ok(),
        Value::Number(n) => n
            .as_u64()
            .or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                    .map(|f| f as u64)
            })
            .and_then(|n| u16::try_from(n).ok()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(o: &Outcome) -> Option<ErrorKind> {
        match o {
            Outcome::Error(e) => Some(e.kind),
            _ => None,
        }
    }

    #[test]
    fn status_code_is_read_as_text_or_number() {
        for body in [
            r#"{"status_code":"200","results":["a.example"]}"#,
            r#"{"status_code":200,"results":["a.example"]}"#,
            r#"{"status_code":200.0,"results":["a.example"]}"#,
        ] {
            let o = decode(Endpoint::Domain, 5, 200, "application/json", body);
            assert_eq!(o.state(), "ok", "{body}");
        }
    }

    #[test]
    fn no_results_inside_http_200_is_empty() {
        let body = r#"{"status_code":"404","status_message":"No results found.","results":[]}"#;
        assert_eq!(decode(Endpoint::Host, 1, 200, "", body).state(), "empty");
        assert_eq!(decode(Endpoint::Host, 1, 404, "", body).state(), "empty");
    }

    #[test]
    fn failures_have_their_kind() {
        let cases: [(u16, &str, &str, ErrorKind); 9] = [
            (
                500,
                "text/html",
                "<html>oops</html>",
                ErrorKind::ServerError,
            ),
            (403, "text/html", "<html>cdn</html>", ErrorKind::Blocked),
            (204, "", "", ErrorKind::Throttled),
            (429, "", "slow down", ErrorKind::Throttled),
            (200, "application/json", "  ", ErrorKind::EmptyBody),
            (200, "text/html", "<!DOCTYPE html><p>hi", ErrorKind::NotJson),
            (
                200,
                "application/json",
                r#"{"status_code":"200","res"#,
                ErrorKind::Truncated,
            ),
            (
                200,
                "application/json",
                r#"[1,2]"#,
                ErrorKind::UnexpectedShape,
            ),
            (404, "text/html", "<html>nope</html>", ErrorKind::HttpStatus),
        ];
        for (status, ct, body, want) in cases {
            let o = decode(Endpoint::Domain, 1, status, ct, body);
            assert_eq!(kind(&o), Some(want), "{status} {body}");
        }
    }

    #[test]
    fn throttling_is_flagged_and_messages_are_sentences() {
        let Outcome::Error(e) = decode(Endpoint::Domain, 1, 429, "", "") else {
            panic!("429 must be an error");
        };
        assert!(e.throttled && e.retryable);
        // A CDN challenge page pauses the queue like a 429 does.
        let Outcome::Error(e) = decode(Endpoint::Domain, 1, 403, "text/html", "<html>")
        else {
            panic!("403 must be an error");
        };
        assert!(e.throttled && e.retryable);
        let Outcome::Error(e) = decode(Endpoint::Domain, 1, 500, "text/html", "x")
        else {
            panic!("500 must be an error");
        };
        assert_eq!(
            e.message,
            "ThreatMiner returned an error page (HTTP 500). Retry later."
        );
        assert!(!e.throttled);
    }

    #[test]
    fn sender_failures_read_well() {
        let Outcome::Error(e) = Outcome::timeout(30) else {
            panic!("timeout is an error");
        };
        assert_eq!(e.message, "ThreatMiner did not answer within 30 s. Retry.");
        assert_eq!(e.kind, ErrorKind::Timeout);
        assert_eq!(
            kind(&Outcome::network_failure("dns")),
            Some(ErrorKind::Network)
        );
    }

    #[test]
    fn other_status_codes_are_service_errors() {
        let body = r#"{"status_code":"500","status_message":"Oops","results":[]}"#;
        let o = decode(Endpoint::Domain, 1, 200, "", body);
        assert_eq!(kind(&o), Some(ErrorKind::Service));
    }

    #[test]
    fn outcome_json_has_a_state_tag() {
        let body = r#"{"status_code":"200","results":["a.example"]}"#;
        let json = serde_json::to_value(decode(Endpoint::Domain, 5, 200, "", body))
            .expect("outcomes serialise");
        assert_eq!(json["state"], "ok");
        assert_eq!(json["count"], 1);
        assert_eq!(json["results"][0], "a.example");
        assert_eq!(json["view"]["list"][0]["pivot"]["endpoint"], "domain");
        let json =
            serde_json::to_value(Outcome::timeout(10)).expect("outcomes serialise");
        assert_eq!(json["state"], "error");
        assert_eq!(json["kind"], "timeout");
        assert_eq!(json["throttled"], false);
    }

    #[test]
    fn sections_with_only_empty_lists_are_empty() {
        let body = r#"{"status_code":"200","results":[{"mutants":[]}]}"#;
        assert_eq!(decode(Endpoint::Sample, 4, 200, "", body).state(), "empty");
    }
}
