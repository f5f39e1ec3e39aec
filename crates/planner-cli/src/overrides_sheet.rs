//! The layout of plan.xlsx's `overrides` sheets, shared by their writer
//! (`write::tables::overrides`) and their reader (`load::overrides`), so that neither reaches
//! into the other.

/// The sheet the planner edits.
pub const SHEET: &str = "overrides";

/// The sheet that records what was written and for which plan.
pub const BASE_SHEET: &str = "overrides_base";

/// The column of [`BASE_SHEET`] that says which plan it was made for.
pub const MADE_FOR: &str = "made_for";

/// The prefix of the first planned month in [`MADE_FOR`].
pub const FROM: &str = "from ";

/// The prefix of the grid's fingerprint in [`MADE_FOR`].
pub const FINGERPRINT: &str = "fingerprint ";

/// A fingerprint of a plan's grid: its first month, its number of months and its skus in order
/// (FNV-1a, 64 bits, in hex). Two plans of the same fingerprint have the same cells.
pub fn fingerprint<'a>(
    start: planner_core::time::Month,
    horizon: usize,
    skus: impl IntoIterator<Item = &'a str>,
) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    eat(format!("{start}\n{horizon}\n").as_bytes());
    for s in skus {
        eat(s.as_bytes());
        eat(b"\n");
    }
    format!("{h:016x}")
}
