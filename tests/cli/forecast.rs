//! `planner forecast` through the real binary.

use super::*;

/// Parses forecast.csv into (header, rows of cells).
fn parse(csv: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut lines = csv.lines();
    let header = lines
        .next()
        .unwrap_or("")
        .split(',')
        .map(String::from)
        .collect();
    let rows = lines
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
    (header, rows)
}

#[test]
fn forecast_csv_has_the_contract_columns_and_nested_bounds() {
    let dir = small_folder();
    let o = run(dir.path(), &["forecast", "--history", "demand.csv"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (header, rows) = parse(&stdout(&o));
    assert_eq!(
        header,
        ["sku", "month", "forecast", "lo_80", "hi_80", "lo_95", "hi_95", "model"]
    );
    assert_eq!(rows.len(), 2 * 12);
    assert_eq!(rows[0][0], "BTL-1");
    assert_eq!(rows[0][1], "2026-01");
    assert_eq!(rows[11][1], "2026-12");
    for r in &rows {
        let v: Vec<f64> = r[2..7].iter().map(|c| c.parse().unwrap()).collect();
        let (f, lo80, hi80, lo95, hi95) = (v[0], v[1], v[2], v[3], v[4]);
        assert!(
            0.0 <= lo95 && lo95 <= lo80 && lo80 <= f && f <= hi80 && hi80 <= hi95,
            "{r:?}"
        );
        assert!(!r[7].is_empty());
    }
}

#[test]
fn levels_horizon_method_and_start_are_honoured() {
    let dir = small_folder();
    let o = run(
        dir.path(),
        &[
            "forecast",
            "--history",
            "demand.csv",
            "--level",
            "90",
            "--horizon",
            "3",
            "--method",
            "snaive",
            "--start",
            "2025-07",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (header, rows) = parse(&stdout(&o));
    assert_eq!(
        header,
        ["sku", "month", "forecast", "lo_90", "hi_90", "model"]
    );
    assert_eq!(rows.len(), 6);
    // Seasonal naive as of 2025-07: BTL-1 in July 2024 (i = 6) was 100 + 6.
    assert_eq!(rows[0][..3], ["BTL-1", "2025-07", "106"]);
    let o = run(
        dir.path(),
        &["forecast", "--history", "demand.csv", "--method", "magic"],
    );
    assert_eq!(
        o.status.code(),
        Some(2),
        "a bad option value is a usage error"
    );
    assert!(
        stderr(&o).starts_with(
            "error: invalid value 'magic' for '--method <M>': unknown method \"magic\": expected one of auto, naive"
        ),
        "{}",
        stderr(&o)
    );
    let o = run(
        dir.path(),
        &["forecast", "--history", "demand.csv", "--level", "100"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with(
            "error: invalid value '100' for '--level <L>': 100 is not a level: expected a percent above 0 and below 100\n"
        ),
        "{}",
        stderr(&o)
    );
}

#[test]
fn events_from_the_folder_move_the_forecast() {
    let dir = small_folder();
    let plain = run(
        dir.path(),
        &["forecast", "--history", "demand.csv", "--method", "naive"],
    );
    let with = run(
        dir.path(),
        &["forecast", "--data", ".", "--method", "naive"],
    );
    assert_eq!(with.status.code(), Some(0), "{}", stderr(&with));
    let (_, a) = parse(&stdout(&plain));
    let (_, b) = parse(&stdout(&with));
    // events.csv: BTL-1 2026-02 multiplier 1.3; naive forecast = last value (2025-12: 150 + 23).
    assert_eq!(a[1][..3], ["BTL-1", "2026-02", "173"]);
    assert_eq!(b[1][..3], ["BTL-1", "2026-02", "224.9"]);
    assert_eq!(b[1][7], "Naive + multiplier 2026-02");
    // Other months keep the statistical numbers; the model names the events of the sku and
    // the months they touched.
    assert_eq!(a[2][..7], b[2][..7]);
    assert_eq!(b[2][7], "Naive + multiplier 2026-02");
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let dir = small_folder();
    let one = run(
        dir.path(),
        &["--threads", "1", "forecast", "--history", "demand.csv"],
    );
    let two = run(
        dir.path(),
        &["--threads", "2", "forecast", "--history", "demand.csv"],
    );
    assert_eq!(one.status.code(), Some(0));
    assert_eq!(stdout(&one), stdout(&two));
}

#[test]
fn out_is_written_atomically_and_never_over_an_input() {
    let dir = small_folder();
    let before = std::fs::read_to_string(dir.path().join("demand.csv")).unwrap();
    let o = run(
        dir.path(),
        &["forecast", "--history", "demand.csv", "--out", "demand.csv"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: demand.csv: is an input file; refusing to write an output over it (choose another --out)\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("demand.csv")).unwrap(),
        before
    );
    let o = run(
        dir.path(),
        &[
            "forecast",
            "--history",
            "demand.csv",
            "--out",
            "out/forecast.csv",
            "--backtest",
            "--quiet",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let fc = std::fs::read_to_string(dir.path().join("out/forecast.csv")).unwrap();
    assert_eq!(fc.lines().count(), 1 + 24);
    let bt = std::fs::read_to_string(dir.path().join("out/backtest.csv")).unwrap();
    let lines: Vec<&str> = bt.lines().collect();
    assert!(
        lines[0].starts_with(
            "sku,model,n,mae,rmse,mape,smape,mase,wape,bias,coverage_80,winkler_80,msis_80,\
             coverage_95,winkler_95,msis_95,wql,benchmark_mae,value_added"
        ),
        "{}",
        lines[0]
    );
    assert_eq!(lines.len(), 1 + 2 + 1, "{bt}");
    assert!(lines[3].starts_with("(all),auto,"), "{bt}");
    // No temporary file is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("out"))
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn quantiles_are_written_as_q_columns() {
    let dir = small_folder();
    let o = run(
        dir.path(),
        &[
            "forecast",
            "--history",
            "demand.csv",
            "--quantiles",
            "0.9, 0.1,0.5,0.975",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (header, rows) = parse(&stdout(&o));
    // The default ranges stay; the quantiles come ascending, before `model`.
    assert_eq!(
        header,
        [
            "sku", "month", "forecast", "lo_80", "hi_80", "lo_95", "hi_95", "q_10", "q_50", "q_90",
            "q_97.5", "model"
        ]
    );
    let num = |r: &[String], i: usize| r[i].parse::<f64>().unwrap();
    for r in &rows {
        // q_10 / q_90 are the 80 % bounds, q_50 the point forecast; q_97.5 the upper
        // bound of 95 % (a level forecast for it, not written: 95 is a default level).
        assert_eq!(r[7], r[3], "{r:?}");
        assert_eq!(r[8], r[2], "{r:?}");
        assert_eq!(r[9], r[4], "{r:?}");
        assert_eq!(r[10], r[6], "{r:?}");
        for i in 7..10 {
            assert!(num(r, i) <= num(r, i + 1), "{r:?}");
        }
    }
    // A quantile of a level not shown: q_25 reads a 50 % range that is not written.
    let o = run(
        dir.path(),
        &[
            "forecast",
            "--history",
            "demand.csv",
            "--level",
            "90",
            "--quantiles",
            "0.25,0.75",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (header, rows) = parse(&stdout(&o));
    assert_eq!(
        header,
        ["sku", "month", "forecast", "lo_90", "hi_90", "q_25", "q_75", "model"]
    );
    for r in &rows {
        assert!(num(r, 3) <= num(r, 5) && num(r, 5) <= num(r, 2), "{r:?}");
        assert!(num(r, 2) <= num(r, 6) && num(r, 6) <= num(r, 4), "{r:?}");
    }
}

#[test]
fn bad_quantiles_are_usage_errors_naming_the_value() {
    let dir = small_folder();
    for (arg, msg) in [
        (
            "0.1,1.5",
            "error: invalid value '0.1,1.5' for '--quantiles <P,P,...>': 1.5 is not a quantile: \
             expected a probability above 0 and below 1\n",
        ),
        (
            "0",
            "error: invalid value '0' for '--quantiles <P,P,...>': 0 is not a quantile: \
             expected a probability above 0 and below 1\n",
        ),
        (
            "0.1,0.5,0.10",
            "error: invalid value '0.1,0.5,0.10' for '--quantiles <P,P,...>': 0.10 is given twice\n",
        ),
        (
            "0.1,x",
            "error: invalid value '0.1,x' for '--quantiles <P,P,...>': \"x\" is not a number \
             (expected a probability above 0 and below 1)\n",
        ),
    ] {
        let o = run(
            dir.path(),
            &["forecast", "--history", "demand.csv", "--quantiles", arg],
        );
        assert_eq!(o.status.code(), Some(2), "{arg}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.starts_with(msg), "{arg}: {err}");
    }
}

#[test]
fn method_arima_fits_a_seasonal_arima_per_sku() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut demand = String::from("sku,month,quantity\n");
    for i in 0..60 {
        let (y, m) = (2021 + i / 12, i % 12 + 1);
        let peak = if (6..=8).contains(&m) { 80 } else { 0 };
        demand.push_str(&format!(
            "BTL-1,{y}-{m:02},{}\n",
            300 + 2 * i + peak + (i * 7) % 11
        ));
    }
    std::fs::write(dir.path().join("demand.csv"), demand).unwrap();
    let o = run(
        dir.path(),
        &["forecast", "--history", "demand.csv", "--method", "arima"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (header, rows) = parse(&stdout(&o));
    assert_eq!(header[7], "model");
    assert_eq!(rows.len(), 12);
    assert_eq!(rows[0][1], "2026-01");
    let point: Vec<f64> = rows.iter().map(|r| r[2].parse().unwrap()).collect();
    for r in &rows {
        // The model name has commas, so the CSV quotes it.
        let model = r[7..].join(",");
        assert!(
            model.starts_with("\"ARIMA(") && model.contains(")[12]"),
            "{r:?}"
        );
        let v: Vec<f64> = r[2..7].iter().map(|c| c.parse().unwrap()).collect();
        assert!(
            0.0 <= v[3] && v[3] <= v[1] && v[1] <= v[0] && v[0] <= v[2] && v[2] <= v[4],
            "{r:?}"
        );
    }
    // The summer peak is forecast again: July above May.
    assert!(point[6] > point[4] + 40.0, "{point:?}");
}
