//! The rate limiter's arithmetic: when the next request may leave.
//!
//! ThreatMiner allows 10 requests a minute. The background keeps the send
//! times (milliseconds, as from `Date.now()`) across service-worker restarts
//! and asks this module for the next free slot; the rule is that no window
//! of `window_ms` holds more than `limit` sends.

/// ThreatMiner's documented limit: requests per window.
pub const LIMIT: u32 = 10;

/// ThreatMiner's window: one minute.
pub const WINDOW_MS: f64 = 60_000.0;

/// The earliest time, not before `now_ms`, at which one more request may be
/// sent without any window of `window_ms` holding more than `limit` sends.
///
/// `sent_at_ms` may be in any order and may hold times in the future
/// (requests already given a slot). Non-finite times are ignored. A `limit`
/// of zero never allows a request and returns infinity; a window that is
/// not positive allows one now.
pub fn next_slot(sent_at_ms: &[f64], now_ms: f64, limit: u32, window_ms: f64) -> f64 {
    if limit == 0 {
        return f64::INFINITY;
    }
    if window_ms.is_nan() || window_ms <= 0.0 {
        return now_ms;
    }
    let mut sent: Vec<f64> = sent_at_ms
        .iter()
        .copied()
        .filter(|t| t.is_finite())
        .collect();
    sent.sort_by(f64::total_cmp);
    // The earliest allowed time is `now` or the moment one window after some
    // send, because that is where a window stops counting it.
    let mut candidates: Vec<f64> = sent.iter().map(|t| t + window_ms).collect();
    candidates.push(now_ms);
    candidates.retain(|c| *c >= now_ms);
    candidates.sort_by(f64::total_cmp);
    candidates
        .into_iter()
        .find(|&c| fits(&sent, c, limit, window_ms))
        .unwrap_or(f64::INFINITY)
}

/// Whether a send at `at` keeps every window that contains it within the
/// limit: fewer than `limit` other sends lie strictly less than one window
/// away on any one side of some window covering `at`.
///
/// A window is half-open, `[start, start + window)`, so a send exactly one
/// window after another does not share a window with it.
fn fits(sent: &[f64], at: f64, limit: u32, window_ms: f64) -> bool {
    let limit = limit as usize;
    // Every window containing `at` lies within (at - window, at + window);
    // gather the sends there and slide a window over them with `at` added.
    let mut near: Vec<f64> = sent
        .iter()
        .copied()
        .filter(|t| (t - at).abs() < window_ms)
        .collect();
    near.push(at);
    near.sort_by(f64::total_cmp);
    near.windows(limit + 1)
        .all(|w| w[limit] - w[0] >= window_ms || !w.contains(&at))
}

/// The send times that can still matter at `now_ms`: those less than one
/// window old, plus any in the future, sorted. Non-finite times are dropped.
///
/// The background calls this before saving, so the stored list stays short.
pub fn prune(sent_at_ms: &[f64], now_ms: f64, window_ms: f64) -> Vec<f64> {
    let mut kept: Vec<f64> = sent_at_ms
        .iter()
        .copied()
        .filter(|t| t.is_finite() && *t > now_ms - window_ms)
        .collect();
    kept.sort_by(f64::total_cmp);
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_budget_means_now() {
        assert_eq!(next_slot(&[], 1000.0, 10, WINDOW_MS), 1000.0);
        let nine: Vec<f64> = (0..9).map(|i| f64::from(i) * 100.0).collect();
        assert_eq!(next_slot(&nine, 1000.0, 10, WINDOW_MS), 1000.0);
    }

    #[test]
    fn full_window_waits_for_the_oldest_to_leave() {
        let ten: Vec<f64> = (0..10).map(|i| f64::from(i) * 1000.0).collect();
        assert_eq!(next_slot(&ten, 10_000.0, 10, WINDOW_MS), 60_000.0);
    }

    #[test]
    fn order_of_the_stored_times_does_not_matter() {
        let times = [5_000.0, 1_000.0, 3_000.0];
        assert_eq!(next_slot(&times, 6_000.0, 3, 10_000.0), 11_000.0);
    }

    #[test]
    fn exactly_one_window_later_is_allowed() {
        assert_eq!(next_slot(&[0.0], 60_000.0, 1, WINDOW_MS), 60_000.0);
        assert_eq!(next_slot(&[0.0], 59_999.0, 1, WINDOW_MS), 60_000.0);
    }

    #[test]
    fn future_reservations_are_respected() {
        // A slot already given at 50 s: with a limit of 1 the next one must
        // come a full window after it.
        assert_eq!(next_slot(&[50_000.0], 0.0, 1, WINDOW_MS), 110_000.0);
        // With room for two, it may go now.
        assert_eq!(next_slot(&[50_000.0], 0.0, 2, WINDOW_MS), 0.0);
    }

    #[test]
    fn odd_inputs_do_not_hang_or_panic() {
        assert_eq!(next_slot(&[1.0], 2.0, 0, WINDOW_MS), f64::INFINITY);
        assert_eq!(next_slot(&[1.0], 2.0, 1, 0.0), 2.0);
        assert_eq!(next_slot(&[1.0], 2.0, 1, f64::NAN), 2.0);
        assert_eq!(
            next_slot(&[f64::NAN, f64::INFINITY], 2.0, 1, WINDOW_MS),
            2.0
        );
    }

    #[test]
    fn prune_keeps_the_window_and_the_future() {
        let kept = prune(
            &[0.0, 59_000.0, f64::NAN, 70_000.0, 1_000.0],
            60_000.0,
            WINDOW_MS,
        );
        assert_eq!(kept, [1_000.0, 59_000.0, 70_000.0]);
    }

    #[test]
    fn every_answer_keeps_the_limit() {
        // Send 25 requests as early as allowed and check each window.
        let mut sent = Vec::new();
        let mut now = 0.0;
        for _ in 0..25 {
            let at = next_slot(&sent, now, LIMIT, WINDOW_MS);
            sent.push(at);
            now = at + 10.0;
        }
        for w in sent.windows(11) {
            assert!(w[10] - w[0] >= WINDOW_MS, "{w:?}");
        }
    }
}
