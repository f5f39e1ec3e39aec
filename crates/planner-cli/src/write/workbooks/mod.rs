//! The Excel workbooks: a sheet per table ([`xlsx`]: `plan.xlsx`, `review.xlsx`,
//! `scenarios.xlsx`, `scorecard.xlsx`) and `cm_pack.xlsx`, laid out for the contract
//! manufacturer ([`cm_pack`]).

pub mod cm_pack;
pub mod xlsx;
