//! ThreatMiner's API: which requests to send for an indicator, what its
//! answers mean, and how to show them. Everything here is pure; the wasm
//! bindings do the sending.
//!
//! The flow for one indicator:
//!
//! 1. [`plan`] (or [`plan_as`] for another reading of an ambiguous hash)
//!    lists the requests, each with its URL.
//! 2. The sender fetches each URL, spaced by [`budget::next_slot`].
//! 3. [`decode`] turns the HTTP status, content type and body into an
//!    [`Outcome`]: a [`SectionView`] to draw, "no results", or an error in
//!    words for people. The sender reports its own failures through
//!    [`Outcome::timeout`] and [`Outcome::network_failure`].

pub mod budget;
mod decode;
mod endpoint;
mod plan;
mod request;
mod view;

pub use decode::{decode, ErrorKind, Found, Outcome, TmError};
pub use endpoint::{report_web_url, search_web_url, Endpoint, Section, WEB_BASE};
pub use plan::{plan, plan_as, plan_report, Alternative, Plan, PlannedRequest};
pub use request::{email_query, encode_component, Request, DEFAULT_BASE};
pub use view::{
    build as build_view, threatminer_page, Cell, Fact, Pivot, SectionView, Table,
};
