//! The core of ThreatMiner Lookup: finds indicators of compromise in text
//! and talks to ThreatMiner's free API.
//!
//! Threat reports write indicators in many forms, and a bare regex gets most
//! of them wrong:
//!
//! * `hXXps://cdn-sync[.]com/a/b.PHP` is a URL: refang it, lower the scheme
//!   and host, keep the path's case.
//! * `report.zip` is a file before it is a domain, even though `.zip` is a
//!   real top-level domain.
//! * `W32/Emotet.BN!tr` is an antivirus name, not the host `emotet.bn`.
//! * `1256.10.10.10` holds no address, and `4.12.3.9.2` is a version.
//!
//! [`Finder`] handles these; [`tm`] builds ThreatMiner requests and decodes
//! its answers. Only the `wasm` module speaks wasm-bindgen.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod defang;
pub mod export;
pub mod extract;
pub mod tm;

#[cfg(target_arch = "wasm32")]
mod wasm;

pub use defang::defang;
pub use extract::{Extraction, Finder, Kind, Match};
