//! The HTML pages: `report.html` ([`report`]) and the sections the other pages are made of
//! ([`sections`]: the review, the scorecard, the scenarios), each page self-contained.

pub mod report;
pub mod sections;
