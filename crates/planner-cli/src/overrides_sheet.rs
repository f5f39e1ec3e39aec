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

/// The prefix of the checksum of [`BASE_SHEET`]'s numbers in [`MADE_FOR`].
pub const NUMBERS: &str = "numbers ";

/// FNV-1a, 64 bits, of `parts` (each followed by a newline), in hex.
fn fnv(parts: impl IntoIterator<Item = String>) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain(std::iter::once(b'\n')) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// A checksum of [`BASE_SHEET`]'s numbers, sku by sku in the order written (FNV-1a, 64 bits, in
/// hex): a number changed there would change what an edit of the [`SHEET`] is told from.
pub fn numbers_checksum<'a>(rows: impl IntoIterator<Item = (&'a str, Vec<f64>)>) -> String {
    fnv(rows.into_iter().map(|(sku, values)| {
        let mut line = sku.to_string();
        for v in values {
            line.push_str(&format!(",{v}"));
        }
        line
    }))
}

/// A fingerprint of a plan's grid: its first month, its number of months and its skus in order
/// (FNV-1a, 64 bits, in hex). Two plans of the same fingerprint have the same cells.
pub fn fingerprint<'a>(
    start: planner_core::time::Month,
    horizon: usize,
    skus: impl IntoIterator<Item = &'a str>,
) -> String {
    let head = [start.to_string(), horizon.to_string()];
    fnv(head.into_iter().chain(skus.into_iter().map(str::to_string)))
}
