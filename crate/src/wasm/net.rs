//! Sends one request to ThreatMiner with gloo-net. gloo-net uses the global
//! `fetch`, so this works in the service worker, where there is no `window`.

use gloo_net::http;
use web_sys::{AbortSignal, ReferrerPolicy, RequestCache, RequestCredentials};

use crate::tm::{self, Outcome, Request};

/// Fetches `request` from the API at `base` and decodes the answer.
///
/// No cookies and no referrer go with the request: ThreatMiner learns the
/// value asked about and nothing else. The whole exchange, body included,
/// must finish within `timeout_ms`.
pub(crate) async fn fetch_outcome(
    base: &str,
    request: &Request,
    timeout_ms: u32,
) -> Outcome {
    let url = request.url(base);
    let signal = AbortSignal::timeout_with_u32(timeout_ms);
    let secs = timeout_ms.div_ceil(1000);
    let sent = http::Request::get(&url)
        .abort_signal(Some(&signal))
        .credentials(RequestCredentials::Omit)
        .referrer_policy(ReferrerPolicy::NoReferrer)
        .cache(RequestCache::NoStore)
        .send()
        .await;
    let response = match sent {
        Ok(r) => r,
        Err(_) if signal.aborted() => return tm::Outcome::timeout(secs),
        Err(err) => return tm::Outcome::network_failure(&err.to_string()),
    };
    let status = response.status();
    let content_type = response.headers().get("content-type").unwrap_or_default();
    match response.text().await {
        Ok(body) => {
            tm::decode(request.endpoint, request.rt, status, &content_type, &body)
        }
        Err(_) if signal.aborted() => tm::Outcome::timeout(secs),
        Err(err) => tm::Outcome::network_failure(&err.to_string()),
    }
}
