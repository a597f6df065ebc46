//! Builds the results view's DOM from decoded ThreatMiner sections.
