//! Reading and writing numbers the way forms show them, with one float engine.
//!
//! Every page with a form carries these functions to the browser. `str::parse::<f64>` and
//! `format!("{x}")`/`format!("{x:.2}")` would each bring a second and third float engine
//! (core's `dec2flt` and `flt2dec`, with their tables) beside the one serde_json already
//! ships for the form's JSON, about 14 KB compressed on every such page. So numbers are read
//! through serde_json's reader and written through its writer, and fixed decimals are done in
//! integers. The server uses the same functions, so what the browser shows and what the
//! server stores and shows always agree.

/// Reads a number as people type it: `1250.5`, `-3`, `+2`, `.5`, `5.`, `007`, `1e3`. `None`
/// for anything else, and for numbers too large to be finite. Thousands separators are the
/// caller's to remove (forms strip `,` and spaces).
pub fn parse_number(text: &str) -> Option<f64> {
    let (sign, unsigned) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.strip_prefix('+').unwrap_or(text)),
    };
    let (mantissa, exponent) = unsigned
        .find(['e', 'E'])
        .map_or((unsigned, ""), |at| unsigned.split_at(at));
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !digits(whole) || !digits(fraction) {
        return None;
    }
    // JSON's number grammar, which serde_json reads: no leading zeros, no bare point.
    let whole = match whole.trim_start_matches('0') {
        "" => "0",
        rest => rest,
    };
    let point = if fraction.is_empty() { "" } else { "." };
    serde_json::from_str::<f64>(&format!("{sign}{whole}{point}{fraction}{exponent}"))
        .ok()
        .filter(|n| n.is_finite())
}

/// Writes a number in the fewest digits that read back as it, without a trailing `.0` for
/// whole values: `3`, `0.5`, `1250.75`.
pub fn fmt_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        // Whole: exact as an integer (and `-0` is `0`).
        return format!("{}", n as i64);
    }
    match serde_json::Number::from_f64(n) {
        Some(number) => number.to_string(),
        None if n.is_nan() => "NaN".to_owned(),
        None if n > 0.0 => "inf".to_owned(),
        None => "-inf".to_owned(),
    }
}

/// Writes a number with exactly `decimals` decimals (at most 6), rounding halves to even as
/// `format!("{n:.2}")` does for them: `fmt_fixed(12.5, 2)` is `12.50`. Numbers beyond what
/// the decimals can hold exactly are written as [`fmt_number`] does.
pub fn fmt_fixed(n: f64, decimals: u32) -> String {
    let decimals = decimals.min(6);
    let scale = 10u64.pow(decimals);
    let scaled = (n * scale as f64).round_ties_even();
    if !scaled.is_finite() || scaled.abs() >= 9.0e15 {
        return fmt_number(n);
    }
    let sign = if scaled < 0.0 { "-" } else { "" };
    let units = scaled.abs() as u64;
    if decimals == 0 {
        return format!("{sign}{units}");
    }
    format!(
        "{sign}{}.{:0width$}",
        units / scale,
        units % scale,
        width = decimals as usize
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn numbers_are_read_as_people_type_them() {
        for (text, expected) in [
            ("0", Some(0.0)),
            ("42", Some(42.0)),
            ("-3", Some(-3.0)),
            ("+2", Some(2.0)),
            ("1250.5", Some(1250.5)),
            (".5", Some(0.5)),
            ("-.5", Some(-0.5)),
            ("5.", Some(5.0)),
            ("007", Some(7.0)),
            ("0.25", Some(0.25)),
            ("1e3", Some(1000.0)),
            ("2.5E-2", Some(0.025)),
            ("1e+2", Some(100.0)),
            ("99999999999999999999", Some(1e20)),
            ("", None),
            (".", None),
            ("-", None),
            ("+-5", None),
            ("abc", None),
            ("1.2.3", None),
            ("1e", None),
            ("0x10", None),
            ("1 000", None),
            ("inf", None),
            ("NaN", None),
            ("1e400", None),
        ] {
            assert_eq!(parse_number(text), expected, "{text:?}");
        }
    }

    #[test]
    fn numbers_are_written_as_forms_show_them() {
        for (n, expected) in [
            (0.0, "0"),
            (-0.0, "0"),
            (3.0, "3"),
            (-12.0, "-12"),
            (0.5, "0.5"),
            (1250.75, "1250.75"),
            (0.1 + 0.2, "0.30000000000000004"),
            (-2.5, "-2.5"),
            (f64::NAN, "NaN"),
        ] {
            assert_eq!(fmt_number(n), expected, "{n}");
        }
        for (n, decimals, expected) in [
            (12.5, 2, "12.50"),
            (0.125, 2, "0.12"),
            (0.375, 2, "0.38"),
            (1.005, 2, "1.00"),
            (-0.001, 2, "0.00"),
            (-4.256, 2, "-4.26"),
            (1.25, 1, "1.2"),
            (1.5, 0, "2"),
            (2.5, 0, "2"),
            (1048576.0 / 1048576.0, 1, "1.0"),
            (7.0, 0, "7"),
        ] {
            assert_eq!(fmt_fixed(n, decimals), expected, "{n} to {decimals}");
        }
    }

    proptest! {
        /// What `fmt_number` writes reads back as the same number.
        #[test]
        fn a_written_number_reads_back(n in -1e12f64..1e12) {
            // To the last bit where it can: serde_json's reader (without its slower
            // `float_roundtrip`) may round a 17-digit number's last bit the other way.
            let back = parse_number(&fmt_number(n)).expect("a number");
            prop_assert!((back - n).abs() <= n.abs() * f64::EPSILON, "{n} read back as {back}");
        }

        /// Read like core's reader, to within a unit in the last place (serde_json's reader
        /// may round the last bit differently on long inputs).
        #[test]
        fn numbers_read_as_core_reads_them(
            whole in 0u64..10_000_000_000,
            fraction in proptest::option::of(0u32..1_000_000),
            negative in any::<bool>(),
        ) {
            let text = format!(
                "{}{whole}{}",
                if negative { "-" } else { "" },
                fraction.map(|f| format!(".{f:06}")).unwrap_or_default(),
            );
            let ours = parse_number(&text).expect("a number");
            let core: f64 = text.parse().expect("a number");
            prop_assert!(ours == core || (ours - core).abs() <= core.abs() * f64::EPSILON, "{text}: {ours} vs {core}");
        }

        /// Fixed decimals agree with `format!("{n:.2}")` wherever the number is not a hair
        /// from a half (where core rounds the exact binary value and this the scaled one).
        #[test]
        fn fixed_decimals_agree_with_core(cents in -100_000_000i64..100_000_000, tail in 0u32..1000) {
            let n = cents as f64 / 100.0 + f64::from(tail) / 100_000.0;
            let hundredths = (n * 100.0).fract().abs();
            prop_assume!((hundredths - 0.5).abs() > 1e-6);
            let core = format!("{n:.2}");
            // Core writes a negative number that rounds to zero as `-0.00`; this as `0.00`.
            prop_assume!(core != "-0.00");
            prop_assert_eq!(fmt_fixed(n, 2), core);
        }
    }
}
