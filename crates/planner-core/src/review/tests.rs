//! Hand-worked reviews and the review's invariants.

use proptest::prelude::*;

use super::testing::*;
use super::*;
use crate::forecast::Level;
use crate::settings::Settings;

fn fences() -> Vec<TimeFence> {
    vec![
        TimeFence {
            months: [1, 1],
            max_change: 0.0,
        },
        TimeFence {
            months: [2, 3],
            max_change: 0.10,
        },
        TimeFence {
            months: [4, 6],
            max_change: 0.25,
        },
    ]
}

fn find<'a>(r: &'a Review, lag: u32, scope: Scope, key: &str) -> &'a AccuracyRow {
    r.accuracy
        .iter()
        .find(|a| a.lag == lag && a.scope == scope && a.key == key)
        .unwrap_or_else(|| panic!("no row lag {lag} {scope} {key}"))
}

fn coverage(row: &AccuracyRow, level: f64) -> f64 {
    row.coverage
        .iter()
        .find(|(l, _)| l.percent() == level)
        .map(|c| c.1)
        .expect("level")
}

/// Two earlier plans (vintages 2026-11 and 2026-12), this month's from 2027-01, actuals for
/// November and December. A and B are family F; C is not in products.csv (its own family); D
/// sold in December without being planned.
fn lag_case() -> Review {
    let p1 = banded(
        "2026-11",
        &[
            ("A", &[100.0, 110.0, 120.0], 10.0, 25.0),
            ("B", &[50.0, 50.0, 50.0], 5.0, 15.0),
            ("C", &[10.0, 10.0, 10.0], 5.0, 10.0),
        ],
    );
    let p2 = banded(
        "2026-12",
        &[
            ("A", &[120.0, 125.0, 130.0], 10.0, 25.0),
            ("B", &[45.0, 45.0, 45.0], 5.0, 15.0),
            ("C", &[12.0, 12.0, 12.0], 5.0, 10.0),
        ],
    );
    let current = plan(
        "2027-01",
        &[("A", &[125.0, 130.0, 140.0]), ("B", &[45.0, 45.0, 45.0])],
    );
    let mut a = vec![80.0, 90.0];
    a.extend([100.0; 10]); // 2026-01 .. 2026-10
    a.extend([90.0, 130.0]); // actuals 2026-11, 2026-12
    let mut b = vec![50.0; 12];
    b.extend([60.0, 40.0]);
    let h = history(&[
        ("A", "2025-11", &a),
        ("B", "2025-11", &b),
        ("C", "2026-10", &[5.0, 0.0, 20.0]),
        ("D", "2026-12", &[8.0]),
    ]);
    let products = [product("A", "F"), product("B", "F")];
    compare(
        // Any order: the review sorts by vintage.
        &[p2, p1],
        &current,
        &h,
        &products,
        &fences(),
        &ReviewSettings::default(),
    )
    .unwrap()
}

#[test]
fn lag_one_accuracy_by_hand() {
    let r = lag_case();
    assert_eq!(r.vintages, vec![m("2026-11"), m("2026-12")]);
    assert_eq!(r.baseline, m("2026-12"));
    assert_eq!(r.actuals_through, Some(m("2026-12")));
    // Lag 1 = November from the plan of 2026-11 and December from the plan of 2026-12.
    //
    // A: Nov f 100 a 90 (e +10), Dec f 120 a 130 (e -10).
    //    WAPE 20/220, bias 0, MAD (10 + 10)/2 = 10, TS 0/10 = 0.
    //    80 %: [90, 110] holds 90, [110, 130] holds 130 -> coverage 1.
    //    Seasonal naive: Nov at vintage Nov = 2025-11 = 80 (|e| 10); Dec at vintage Dec =
    //    2025-12 = 90 (|e| 40): 50/220; FVA = (50 - 20)/220.
    let a = find(&r, 1, Scope::Sku, "A");
    assert_eq!((a.n, a.months, a.family.as_str()), (2, 2, "F"));
    close(a.actual, 220.0);
    close(a.forecast, 220.0);
    close(a.wape.unwrap(), 20.0 / 220.0);
    close(a.wape_aggregate.unwrap(), 20.0 / 220.0);
    close(a.bias, 0.0);
    close(a.mad, 10.0);
    close(a.tracking_signal.unwrap(), 0.0);
    close(coverage(a, 80.0), 1.0);
    close(a.snaive_abs_error, 50.0);
    close(a.fva.unwrap(), 30.0 / 220.0);
    assert!(!a.alarm);

    // B: Nov f 50 a 60 (e -10), Dec f 45 a 40 (e +5).
    //    WAPE 15/100, bias -5 (-5 %), MAD 7.5, TS -5/7.5.
    //    80 %: [45, 55] misses 60, [40, 50] holds 40 -> 0.5; 95 %: both inside -> 1.
    //    Seasonal naive 50 and 50: |e| 10 + 10 = 20 -> 0.20; FVA 0.20 - 0.15.
    let b = find(&r, 1, Scope::Sku, "B");
    close(b.wape.unwrap(), 0.15);
    close(b.bias, -5.0);
    close(b.bias_pct.unwrap(), -0.05);
    close(b.tracking_signal.unwrap(), -5.0 / 7.5);
    close(coverage(b, 80.0), 0.5);
    close(coverage(b, 95.0), 1.0);
    close(b.fva.unwrap(), 0.05);

    // C: own family. Nov f 10 a 0, Dec f 12 a 20. WAPE (10 + 8)/20 = 0.9, bias +2.
    //    Less than a season of history: naive. At vintage Nov the history is [5] -> 5 (|e| 5);
    //    at vintage Dec [5, 0] -> 0 (|e| 20). Benchmark WAPE 25/20; FVA 1.25 - 0.9 = 0.35.
    //    80 %: [5, 15] misses 0, [7, 17] misses 20 -> 0; 95 %: [0, 20] and [2, 22] -> 1.
    let c = find(&r, 1, Scope::Sku, "C");
    assert_eq!(c.family, "C");
    close(c.wape.unwrap(), 0.9);
    close(c.bias, 2.0);
    close(c.tracking_signal.unwrap(), 2.0 / 9.0);
    close(c.fva.unwrap(), 0.35);
    close(coverage(c, 80.0), 0.0);
    close(coverage(c, 95.0), 1.0);
    assert!(r
        .accuracy
        .iter()
        .any(|x| x.scope == Scope::Family && x.key == "C"));

    // D: not planned: forecast 0, Nov a 0, Dec a 8. WAPE 1, bias -8, MAD 4, TS -2.
    let d = find(&r, 1, Scope::Sku, "D");
    close(d.wape.unwrap(), 1.0);
    close(d.bias, -8.0);
    close(d.tracking_signal.unwrap(), -2.0);
    assert!(r.pairs.iter().any(|p| p.sku == "D" && !p.planned));
    assert!(
        r.notes.iter().any(|n| n.contains("without a forecast")),
        "{:?}",
        r.notes
    );

    // Family F = A + B: actual 320, |e| 35 -> WAPE 35/320. Monthly totals: Nov +10 - 10 = 0,
    // Dec -10 + 5 = -5: aggregate WAPE 5/320, MAD 2.5, TS -5/2.5 = -2. 80 %: 3 of 4 inside.
    // Benchmark |e| 50 + 20 = 70: FVA (70 - 35)/320.
    let f = find(&r, 1, Scope::Family, "F");
    assert_eq!(f.n, 4);
    close(f.wape.unwrap(), 35.0 / 320.0);
    close(f.wape_aggregate.unwrap(), 5.0 / 320.0);
    close(f.bias, -5.0);
    close(f.tracking_signal.unwrap(), -2.0);
    close(coverage(f, 80.0), 0.75);
    close(f.fva.unwrap(), 35.0 / 320.0);

    // Total: actual 220 + 100 + 20 + 8 = 348, forecast 220 + 95 + 22 + 0 = 337,
    // |e| 20 + 15 + 18 + 8 = 61, bias -11. Monthly: Nov +10 - 10 + 10 + 0 = +10,
    // Dec -10 + 5 - 8 - 8 = -21: MAD 15.5, TS -11/15.5. 80 %: 2 + 1 + 0 + 1 = 4 of 8;
    // 95 %: 2 + 2 + 2 + 1 = 7 of 8. Benchmark |e| 50 + 20 + 25 + 8 = 103.
    let t = find(&r, 1, Scope::Total, "total");
    assert_eq!((t.n, t.months), (8, 2));
    close(t.actual, 348.0);
    close(t.forecast, 337.0);
    close(t.wape.unwrap(), 61.0 / 348.0);
    close(t.bias, -11.0);
    close(t.mad, 15.5);
    close(t.tracking_signal.unwrap(), -11.0 / 15.5);
    close(coverage(t, 80.0), 0.5);
    close(coverage(t, 95.0), 7.0 / 8.0);
    close(t.fva.unwrap(), (103.0 - 61.0) / 348.0);
}

#[test]
fn lag_two_accuracy_by_hand() {
    let r = lag_case();
    // Lag 2 = December from the plan of 2026-11 only.
    // A f 110 a 130 (-20), B 50 vs 40 (+10), C 10 vs 20 (-10), D 0 vs 8 (-8):
    // actual 198, |e| 48, bias -28; one month: MAD 28, TS -1.
    // Benchmark made in November for December: A 2025-12 = 90 (|e| 40), B 50 (10),
    // C naive 5 (15), D none = 0 (8): 73. FVA (73 - 48)/198.
    let t = find(&r, 2, Scope::Total, "total");
    assert_eq!((t.n, t.months, t.first), (4, 1, m("2026-12")));
    close(t.actual, 198.0);
    close(t.abs_error, 48.0);
    close(t.bias, -28.0);
    close(t.tracking_signal.unwrap(), -1.0);
    close(t.fva.unwrap(), 25.0 / 198.0);
    let p = r.pairs.iter().find(|p| p.sku == "A" && p.lag == 2).unwrap();
    assert_eq!((p.vintage, p.month), (m("2026-11"), m("2026-12")));
    close(p.snaive, 90.0);
    // 80 %: [100, 120] misses 130; 95 %: [85, 135] holds it.
    assert_eq!(
        p.bounds.iter().map(|b| b.inside).collect::<Vec<_>>(),
        vec![false, true]
    );
    // No lag 3: January has no actual yet.
    assert!(r.accuracy.iter().all(|a| a.lag <= 2));
}

#[test]
fn tracking_signal_alarms_above_four() {
    // Five monthly plans of one month each, every one 10 over: cumulative +50, MAD 10, TS 5.
    // Four of them: TS 4, not above 4: no alarm.
    let h = history(&[("A", "2026-01", &[100.0; 8])]);
    let current = plan("2026-09", &[("A", &[100.0])]);
    let plans = |n: i32| -> Vec<DemandPlan> {
        (0..n)
            .map(|i| plan(&m("2026-04").plus(i).to_string(), &[("A", &[110.0])]))
            .collect()
    };
    let r = compare(
        &plans(5),
        &current,
        &h,
        &[],
        &[],
        &ReviewSettings::default(),
    )
    .unwrap();
    let a = find(&r, 1, Scope::Sku, "A");
    close(a.tracking_signal.unwrap(), 5.0);
    assert!(a.alarm);
    assert_eq!(r.alarms().count(), 1);
    // The latest plan (2026-08) is 1 month before 2026-09: no note on the gap.
    assert!(r.notes.is_empty(), "{:?}", r.notes);
    let r = compare(
        &plans(4)[..],
        &current,
        &h,
        &[],
        &[],
        &ReviewSettings::default(),
    )
    .unwrap();
    let a = find(&r, 1, Scope::Sku, "A");
    close(a.tracking_signal.unwrap(), 4.0);
    assert!(!a.alarm);
    assert!(
        r.notes.iter().any(|n| n.contains("2 months before")),
        "{:?}",
        r.notes
    );
}

#[test]
fn a_lower_alarm_from_planner_toml_raises_an_alarm_the_default_does_not() {
    // Three monthly plans of one month each, every one 10 over: cumulative +30, MAD 10, TS 3.
    let h = history(&[("A", "2026-01", &[100.0; 8])]);
    let current = plan("2026-08", &[("A", &[100.0])]);
    let plans: Vec<DemandPlan> = (0..3)
        .map(|i| plan(&m("2026-05").plus(i).to_string(), &[("A", &[110.0])]))
        .collect();
    let review = |settings: &Settings| {
        compare(
            &plans,
            &current,
            &h,
            &[],
            &[],
            &ReviewSettings::from(settings),
        )
        .unwrap()
    };
    // The default threshold (4): TS 3 is no alarm.
    let r = review(&Settings::default());
    close(find(&r, 1, Scope::Sku, "A").tracking_signal.unwrap(), 3.0);
    assert_eq!(r.alarms().count(), 0);
    assert_eq!(r.settings.alarm, TS_ALARM);
    // planner.toml `[review] tracking_signal_alarm = 2.5`: the same errors alarm, for the sku,
    // its family and the total; the review records the threshold it used.
    let mut s = Settings::default();
    s.review.tracking_signal_alarm = 2.5;
    let r = review(&s);
    assert!(find(&r, 1, Scope::Sku, "A").alarm);
    assert!(find(&r, 1, Scope::Total, "total").alarm);
    assert_eq!(r.alarms().count(), 1);
    assert_eq!(r.settings.alarm, 2.5);
    // The season comes from [forecast], the fence tolerance from [review].
    s.forecast.season = 6;
    s.review.fence_tolerance = 0.5;
    let rs = ReviewSettings::from(&s);
    assert_eq!((rs.season, rs.alarm, rs.tolerance), (6, 2.5, 0.5));
    assert_eq!(
        ReviewSettings::from(&Settings::default()),
        ReviewSettings::default()
    );
}

#[test]
fn the_fence_tolerance_from_planner_toml_decides_a_rounding_violation() {
    // 100 -> 100.3 in a frozen month: within a tolerance of 0.5 units, beyond the default 0.01.
    let previous = plan("2026-12", &[("A", &[100.0, 100.0])]);
    let current = plan("2027-01", &[("A", &[100.3])]);
    let h = history(&[("A", "2026-01", &[100.0; 12])]);
    let fence = [TimeFence {
        months: [1, 1],
        max_change: 0.0,
    }];
    let mut s = Settings::default();
    let run = |s: &Settings| {
        compare(
            std::slice::from_ref(&previous),
            &current,
            &h,
            &[],
            &fence,
            &ReviewSettings::from(s),
        )
        .unwrap()
    };
    assert_eq!(run(&s).violations.len(), 1);
    s.review.fence_tolerance = 0.5;
    assert!(run(&s).violations.is_empty());
}

/// Last month's plan from 2026-12, this month's from 2027-01: fence months 1..7 overlap.
fn fence_case() -> Review {
    let previous = plan(
        "2026-12",
        &[
            ("A", &[100.0; 8]),
            ("B", &[0.0, 0.0, 40.0, 40.0, 40.0, 40.0, 40.0, 40.0]),
            ("X", &[0.0, 0.0, 20.0, 0.0, 0.0, 0.0, 0.0, 0.0]),
        ],
    );
    let current = plan(
        "2027-01",
        &[
            // Jan..Jul = fence months 1..7, then August (not in last month's plan).
            ("A", &[100.0, 111.0, 90.0, 126.0, 75.0, 50.0, 300.0, 999.0]),
            ("B", &[5.0, 40.004, 40.0, 40.0, 40.0, 40.0, 40.0, 40.0]),
            ("N", &[3.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]),
        ],
    );
    let h = history(&[("A", "2026-01", &[100.0; 12])]);
    compare(
        &[previous],
        &current,
        &h,
        &[product("A", "F"), product("B", "F")],
        &fences(),
        &ReviewSettings::default(),
    )
    .unwrap()
}

#[test]
fn agreed_changes_are_no_violations() {
    // fence_case with A's -50 in June (month 6) and N's 3 in January (month 1) agreed with the
    // CM in changes.csv.
    let mut r = fence_case();
    let agreed = |sku: &str, month: &str, quantity| AgreedChange {
        sku: sku.into(),
        month: m(month),
        quantity,
        note: None,
    };
    r.pass_agreed(&[agreed("A", "2027-06", 50.0), agreed("N", "2027-01", 3.0)]);
    let c = |sku: &str, month: &str| {
        r.changes
            .iter()
            .find(|c| c.sku == sku && c.month == m(month))
            .unwrap()
    };
    assert!(c("A", "2027-06").agreed && !c("A", "2027-06").violates());
    assert!(c("N", "2027-01").agreed && !c("N", "2027-01").violates());
    assert!(!c("A", "2027-02").agreed && c("A", "2027-02").violates());
    // Left: A Feb +11 (1 beyond), A Apr +26 (1), B Jan +5 (5), X Feb -20 (18): 4 sku-months of
    // 3 skus, 62 units involved (up 42, down 20), 25 beyond.
    let t = &r.fence_total;
    assert_eq!((t.violations, t.skus, r.violations.len()), (4, 3, 4));
    close(t.changed, 62.0);
    close(t.up, 42.0);
    close(t.down, 20.0);
    close(t.excess, 25.0);
    // Per fence: month 1 B (5), months 2-3 A Feb and X Feb (19), months 4-6 A Apr (1); each
    // fence still governs the same sku-months.
    let per: Vec<(usize, usize, f64)> = r
        .fences
        .iter()
        .map(|f| (f.checked, f.total.violations, f.total.excess))
        .collect();
    assert_eq!(per, vec![(4, 1, 5.0), (8, 2, 19.0), (12, 1, 1.0)]);
    // January's total excess is B's 5 alone now.
    let jan = r
        .rollups
        .iter()
        .find(|x| x.scope == Scope::Total && x.month == m("2027-01"))
        .unwrap();
    close(jan.excess, 5.0);
    // None agreed: nothing changes.
    let mut again = fence_case();
    again.pass_agreed(&[]);
    assert_eq!(again, fence_case());
}

#[test]
fn fences_by_hand() {
    let r = fence_case();
    // 4 skus (A, B, N new, X dropped) x 7 shared months.
    assert_eq!(r.changes.len(), 28);
    let change = |sku: &str, month: &str| {
        r.changes
            .iter()
            .find(|c| c.sku == sku && c.month == m(month))
            .unwrap()
    };
    // A, previous 100 every month:
    // Jan (month 1, frozen) 100: no change.
    assert!(!change("A", "2027-01").violates());
    // Feb (month 2, 10 %) 111: +11 > 10 allowed -> 1 unit beyond.
    let c = change("A", "2027-02");
    close(c.change, 11.0);
    close(c.change_pct.unwrap(), 0.11);
    close(c.allowed.unwrap(), 10.0);
    close(c.excess.unwrap(), 1.0);
    // Mar (10 %) 90: -10 is exactly the limit: allowed.
    assert!(!change("A", "2027-03").violates());
    // Apr (month 4, 25 %) 126: +26 -> 1 beyond. May 75: -25, at the limit.
    close(change("A", "2027-04").excess.unwrap(), 1.0);
    assert!(!change("A", "2027-05").violates());
    // Jun (25 %) 50: -50 -> 25 beyond. Jul (month 7) is free: +200 is fine.
    close(change("A", "2027-06").excess.unwrap(), 25.0);
    let jul = change("A", "2027-07");
    assert_eq!((jul.max_change, jul.violates()), (None, false));
    // B: 0 -> 5 in the frozen month: all 5 units beyond, no percentage.
    let b = change("B", "2027-01");
    assert_eq!(b.change_pct, None);
    close(b.excess.unwrap(), 5.0);
    // B Feb: 40 -> 40.004 is rounding (tolerance 0.01 units), not a violation.
    assert!(!change("B", "2027-02").violates());
    // N is new: 3 units in the frozen month. X was dropped: 20 -> 0 in month 2 (10 %): 2
    // allowed, 18 beyond.
    let n = change("N", "2027-01");
    assert_eq!(n.status, ChangeStatus::New);
    close(n.excess.unwrap(), 3.0);
    let x = change("X", "2027-02");
    assert_eq!(x.status, ChangeStatus::Dropped);
    close(x.excess.unwrap(), 18.0);

    // Violations: A Feb +11, A Apr +26, A Jun -50, B Jan +5, N Jan +3, X Feb -20.
    // Volume involved 11 + 26 + 50 + 5 + 3 + 20 = 115 (up 45, down 70); beyond the fences
    // 1 + 1 + 25 + 5 + 3 + 18 = 53.
    assert_eq!(r.violations.len(), 6);
    let t = &r.fence_total;
    assert_eq!((t.violations, t.skus), (6, 4));
    close(t.changed, 115.0);
    close(t.up, 45.0);
    close(t.down, 70.0);
    close(t.excess, 53.0);
    // Per fence: month 1 (4 sku-months, B and N: 8 beyond), months 2-3 (8, A Feb and X Feb:
    // 19), months 4-6 (12, A Apr and A Jun: 26).
    let per: Vec<(usize, usize, f64)> = r
        .fences
        .iter()
        .map(|f| (f.checked, f.total.violations, f.total.excess))
        .collect();
    assert_eq!(per, vec![(4, 2, 8.0), (8, 2, 19.0), (12, 2, 26.0)]);

    // Roll-ups: family F (A + B) in January: 100 + 0 -> 100 + 5; total adds N 3: 100 -> 108.
    let f = r
        .rollups
        .iter()
        .find(|x| x.scope == Scope::Family && x.key == "F" && x.month == m("2027-01"))
        .unwrap();
    close(f.change, 5.0);
    let t = r
        .rollups
        .iter()
        .find(|x| x.scope == Scope::Total && x.month == m("2027-01"))
        .unwrap();
    close(t.previous, 100.0);
    close(t.current, 108.0);
    close(t.excess, 8.0);
    // The five largest changes, largest first: A Jul +200, A Jun -50, A Apr +26, A May -25,
    // X Feb -20.
    let top: Vec<(String, f64)> = r
        .largest_changes(5)
        .iter()
        .map(|c| (c.sku.clone(), c.change))
        .collect();
    assert_eq!(
        top,
        vec![
            ("A".to_string(), 200.0),
            ("A".to_string(), -50.0),
            ("A".to_string(), 26.0),
            ("A".to_string(), -25.0),
            ("X".to_string(), -20.0),
        ]
    );
}

#[test]
fn bad_inputs_are_named() {
    let p = plan("2026-11", &[("A", &[1.0, 2.0])]);
    let c = plan("2026-10", &[("A", &[1.0, 2.0])]);
    let h = history(&[("A", "2026-01", &[1.0])]);
    let s = ReviewSettings::default();
    assert_eq!(
        compare(&[], &p, &h, &[], &[], &s).unwrap_err(),
        ReviewError::NoPrevious
    );
    assert_eq!(
        compare(&[p.clone(), p.clone()], &p, &h, &[], &[], &s).unwrap_err(),
        ReviewError::DuplicateVintage(m("2026-11"))
    );
    let err = compare(std::slice::from_ref(&p), &c, &h, &[], &[], &s).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the earlier forecast starts in 2026-11, after this month's plan (2026-10): were the \
         previous and current plans swapped?"
    );
    let mut bad = p.clone();
    bad.skus[0].forecast.point.pop();
    assert!(matches!(
        compare(&[bad], &p, &h, &[], &[], &s).unwrap_err(),
        ReviewError::Malformed {
            got: 1,
            horizon: 2,
            ..
        }
    ));
    let s = ReviewSettings {
        alarm: 0.0,
        ..ReviewSettings::default()
    };
    assert!(matches!(
        compare(std::slice::from_ref(&p), &p, &h, &[], &[], &s).unwrap_err(),
        ReviewError::InvalidSetting { field: "alarm", .. }
    ));
}

#[test]
fn snaive_bridges_a_gap_and_falls_back_to_naive() {
    let h = history(&[("A", "2025-01", &(1..=12).map(f64::from).collect::<Vec<_>>())]);
    let s = h.get("A");
    // History 2025-01..2025-12 = 1..12. Vintage 2026-01: January = 1, t = 2 (March) = 3.
    close(accuracy::snaive(s, m("2026-01"), 0, 12), 1.0);
    close(accuracy::snaive(s, m("2026-01"), 2, 12), 3.0);
    // Vintage 2026-03 (a gap of two months): March = 3.
    close(accuracy::snaive(s, m("2026-03"), 0, 12), 3.0);
    // Vintage 2025-06: 5 months of history, less than a season: naive = 5.
    close(accuracy::snaive(s, m("2025-06"), 4, 12), 5.0);
    // Before any history: 0.
    close(accuracy::snaive(s, m("2025-01"), 0, 12), 0.0);
    close(accuracy::snaive(None, m("2025-01"), 0, 12), 0.0);
}

#[test]
fn public_types_are_send_and_sync() {
    fn is<T: Send + Sync>() {}
    is::<Review>();
    is::<ReviewError>();
    is::<ReviewSettings>();
}

#[test]
fn a_review_round_trips_through_json() {
    let r = fence_case();
    let json = serde_json::to_string(&r).unwrap();
    let back: Review = serde_json::from_str(&json).unwrap();
    // serde_json's float parsing may differ in the last bit: compare the exact parts.
    assert_eq!(back.violations, r.violations);
    assert_eq!(back.fence_total, r.fence_total);
    assert_eq!(back.changes.len(), r.changes.len());
}

fn arb_plan() -> impl Strategy<Value = DemandPlan> {
    (1usize..8, 0i32..24).prop_flat_map(|(horizon, offset)| {
        proptest::collection::vec(
            (
                proptest::collection::vec(0.0f64..1e4, horizon),
                0.0f64..500.0,
            ),
            1..6,
        )
        .prop_map(move |skus| {
            let names: Vec<String> = (0..skus.len()).map(|i| format!("S{i}")).collect();
            let rows: Vec<(&str, &[f64], f64, f64)> = skus
                .iter()
                .zip(&names)
                .map(|((p, w), n)| (n.as_str(), p.as_slice(), *w, 2.0 * w))
                .collect();
            banded(&m("2025-01").plus(offset).to_string(), &rows)
        })
    })
}

fn arb_fences() -> impl Strategy<Value = Vec<TimeFence>> {
    proptest::collection::vec((1u32..10, 0u32..4, 0.0f64..0.5), 0..4).prop_map(|v| {
        v.into_iter()
            .map(|(a, len, x)| TimeFence {
                months: [a, a + len],
                max_change: x,
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_plan_compared_with_itself_has_no_change(plan in arb_plan(), fences in arb_fences()) {
        let h = history(&[("S0", "2024-01", &[10.0; 30])]);
        let r = compare(std::slice::from_ref(&plan), &plan, &h, &[], &fences, &ReviewSettings::default())
            .unwrap();
        prop_assert_eq!(r.changes.len(), plan.skus.len() * plan.horizon);
        prop_assert!(r.changes.iter().all(|c| c.change == 0.0 && !c.violates()));
        prop_assert!(r.violations.is_empty());
        prop_assert_eq!(&r.fence_total, &FenceTotal::default());
        prop_assert!(r.rollups.iter().all(|x| x.change == 0.0));
    }

    #[test]
    fn accuracy_rolls_up_and_stays_in_range(plan in arb_plan(), actual in 0.0f64..1e4) {
        // Every sku sold `actual` every month up to the plan's end.
        let end = plan.start.plus(plan.horizon as i32);
        let n = m("2024-01").months_until(end) as usize;
        let names: Vec<String> = plan.skus.iter().map(|s| s.sku.clone()).collect();
        let q = vec![actual; n];
        let series: Vec<(&str, &str, &[f64])> =
            names.iter().map(|s| (s.as_str(), "2024-01", q.as_slice())).collect();
        let h = history(&series);
        let current = DemandPlan { start: end, ..plan.clone() };
        let r = compare(std::slice::from_ref(&plan), &current, &h, &[], &[], &ReviewSettings::default())
            .unwrap();
        prop_assert_eq!(r.pairs.len(), plan.skus.len() * plan.horizon);
        for lag in 1..=plan.horizon as u32 {
            let rows: Vec<&AccuracyRow> = r.accuracy.iter().filter(|a| a.lag == lag).collect();
            let total = rows.iter().find(|a| a.scope == Scope::Total).unwrap();
            let skus: Vec<&&AccuracyRow> = rows.iter().filter(|a| a.scope == Scope::Sku).collect();
            let tol = 1e-6 * (1.0 + total.abs_error + total.actual);
            prop_assert!((total.bias - skus.iter().map(|a| a.bias).sum::<f64>()).abs() < tol);
            prop_assert!((total.abs_error - skus.iter().map(|a| a.abs_error).sum::<f64>()).abs() < tol);
            for a in &rows {
                prop_assert!(a.abs_error >= a.bias.abs() - tol);
                if let Some(ts) = a.tracking_signal {
                    prop_assert!(ts.abs() <= a.months as f64 + 1e-9);
                }
                for (_, c) in &a.coverage {
                    prop_assert!((0.0..=1.0).contains(c));
                }
                if let (Some(w), Some(wa)) = (a.wape, a.wape_aggregate) {
                    prop_assert!(wa <= w + 1e-9);
                }
            }
        }
    }

    #[test]
    fn a_perfect_forecast_scores_zero(points in proptest::collection::vec(1.0f64..1e4, 1..8)) {
        let p = plan("2025-01", &[("A", &points)]);
        let h = history(&[("A", "2025-01", &points)]);
        let current = plan(&m("2025-01").plus(points.len() as i32).to_string(), &[("A", &[1.0])]);
        let r = compare(&[p], &current, &h, &[], &[], &ReviewSettings::default()).unwrap();
        for a in &r.accuracy {
            prop_assert_eq!(a.wape, Some(0.0));
            prop_assert_eq!(a.tracking_signal, None);
            prop_assert!(!a.alarm);
        }
    }
}

#[test]
fn levels_are_reported_in_order() {
    let r = lag_case();
    let t = find(&r, 1, Scope::Total, "total");
    let levels: Vec<f64> = t.coverage.iter().map(|(l, _)| Level::percent(*l)).collect();
    assert_eq!(levels, vec![80.0, 95.0]);
}

#[test]
fn months_that_did_not_change_are_not_among_the_largest_changes() {
    let last = plan("2027-01", &[("A", &[100.0, 100.0]), ("B", &[50.0, 50.0])]);
    let now = plan("2027-01", &[("A", &[100.0, 100.0]), ("B", &[50.0, 60.0])]);
    let h = history(&[("A", "2026-12", &[90.0]), ("B", "2026-12", &[40.0])]);
    let r = compare(
        std::slice::from_ref(&last),
        &now,
        &h,
        &[],
        &[],
        &ReviewSettings::default(),
    )
    .unwrap();
    assert_eq!(r.changes.len(), 4);
    let largest = r.largest_changes(5);
    assert_eq!(largest.len(), 1);
    assert_eq!((largest[0].sku.as_str(), largest[0].change), ("B", 10.0));
    let same = compare(
        std::slice::from_ref(&last),
        &last,
        &h,
        &[],
        &[],
        &ReviewSettings::default(),
    )
    .unwrap();
    assert!(same.largest_changes(5).is_empty());
}

#[test]
fn value_added_splits_into_the_models_and_the_planners_share() {
    // One sku, history 2025-11..2026-01: seasonal naive (less than a season: the last month)
    // forecasts 100 for every month of the plan of 2026-02.
    let h = history(&[("A", "2025-11", &[100.0, 100.0, 100.0, 90.0, 130.0])]);
    // Statistical 95 and 110, final (after a promotion event) 100 and 140; actuals 90 and 130.
    let stat = plan("2026-02", &[("A", &[95.0, 110.0])]);
    let fin = plan("2026-02", &[("A", &[100.0, 140.0])]);
    let now = plan("2026-04", &[("A", &[100.0])]);
    let r = compare_with_statistical(
        std::slice::from_ref(&fin),
        std::slice::from_ref(&stat),
        &now,
        &h,
        &[],
        &[],
        &ReviewSettings::default(),
    )
    .unwrap();
    let p = r.pairs.iter().find(|p| p.month == m("2026-03")).unwrap();
    assert_eq!(p.statistical, Some(110.0));
    // Over both lags as sku rows: lag 1 (Feb): naive |100-90| 10, stat |95-90| 5, final 10.
    let a1 = find(&r, 1, Scope::Sku, "A");
    close(a1.snaive_wape.unwrap(), 10.0 / 90.0);
    close(a1.statistical_wape.unwrap(), 5.0 / 90.0);
    close(a1.wape.unwrap(), 10.0 / 90.0);
    close(a1.fva_statistical.unwrap(), 5.0 / 90.0);
    close(a1.fva_final.unwrap(), -5.0 / 90.0);
    // Lag 2 (Mar): naive 30, stat 20, final 10: the event gained 10 of 130.
    let a2 = find(&r, 2, Scope::Total, "total");
    close(a2.fva_statistical.unwrap(), 10.0 / 130.0);
    close(a2.fva_final.unwrap(), 10.0 / 130.0);
    close(
        a2.fva_statistical.unwrap() + a2.fva_final.unwrap(),
        a2.fva.unwrap(),
    );

    // Without statistical forecasts the split is unknown, the rest the same.
    let plain = compare(&[fin], &now, &h, &[], &[], &ReviewSettings::default()).unwrap();
    let b = find(&plain, 2, Scope::Total, "total");
    assert_eq!((b.statistical_wape, b.fva_final), (None, None));
    close(b.fva.unwrap(), a2.fva.unwrap());
}
