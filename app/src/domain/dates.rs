//! Calendar arithmetic the form rules need in the browser as on the server: ISO dates as day
//! numbers, and weekdays between two dates. Small and exact (the proleptic Gregorian calendar,
//! as ISO 8601 and chrono use), so the browser build need not carry a date library for it.

/// The day number of an ISO date (`2026-12-24`; a month or day of one digit is taken too):
/// days since 1970-01-01, or `None` when the text is not a real date.
pub fn day_number(text: &str) -> Option<i64> {
    let mut parts = text.split('-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || year.len() != 4 || !(1..=2).contains(&month.len()) {
        return None;
    }
    if !(1..=2).contains(&day.len()) {
        return None;
    }
    let digits = |part: &str| -> Option<i64> {
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    let (year, month, day) = (digits(year)?, digits(month)?, digits(day)?);
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    Some(days_from_civil(year, month, day))
}

/// The minute number of an ISO date and time (`2026-12-24T09:30`, or with a space): minutes
/// since 1970-01-01 00:00, or `None`.
pub fn minute_number(text: &str) -> Option<i64> {
    let (date, time) = text.split_once(['T', ' '])?;
    let day = day_number(date)?;
    let (hours, minutes) = time.split_once(':')?;
    let all_digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(hours) || hours.len() > 2 || !all_digits(minutes) || minutes.len() != 2 {
        return None;
    }
    let (hours, minutes): (i64, i64) = (hours.parse().ok()?, minutes.parse().ok()?);
    ((0..24).contains(&hours) && (0..60).contains(&minutes))
        .then_some(day * 24 * 60 + hours * 60 + minutes)
}

/// A day number as an ISO date, `2026-12-24`.
pub fn date_text(day: i64) -> String {
    let (year, month, day) = civil_from_days(day);
    format!("{year:04}-{month:02}-{day:02}")
}

/// A minute number as an ISO date and time, `2026-12-24T09:30`.
pub fn date_time_text(minutes: i64) -> String {
    let (day, minute) = (minutes.div_euclid(24 * 60), minutes.rem_euclid(24 * 60));
    format!("{}T{:02}:{:02}", date_text(day), minute / 60, minute % 60)
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Howard Hinnant's `days_from_civil`: exact for every proleptic Gregorian date.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Howard Hinnant's `civil_from_days`: (year, month, day) of a day number.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The day number of a calendar date (for today's date, from the clock).
pub fn day_of(date: chrono::NaiveDate) -> i64 {
    use chrono::Datelike;
    i64::from(date.num_days_from_ce()) - 719_163
}

/// Monday is 0 … Sunday is 6, for a day number.
pub fn weekday(day: i64) -> i64 {
    // 1970-01-01 was a Thursday (3).
    (day + 3).rem_euclid(7)
}

/// Monday to Friday from `first` to `last`, both included; 0 when `last` is before `first`.
pub fn weekdays_between(first: i64, last: i64) -> i64 {
    if last < first {
        return 0;
    }
    let days = last - first + 1;
    let (weeks, rest) = (days / 7, days % 7);
    let start = weekday(first);
    let extra = (0..rest).filter(|i| (start + i) % 7 < 5).count() as i64;
    weeks * 5 + extra
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, NaiveDate};

    #[test]
    fn day_numbers_agree_with_chrono_over_four_centuries() {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch");
        let mut date = NaiveDate::from_ymd_opt(1900, 1, 1).expect("start");
        let end = NaiveDate::from_ymd_opt(2300, 12, 31).expect("end");
        while date <= end {
            let text = date.format("%Y-%m-%d").to_string();
            let expected = (date - epoch).num_days();
            assert_eq!(day_number(&text), Some(expected), "{text}");
            assert_eq!(date_text(expected), text);
            assert_eq!(day_of(date), expected);
            assert_eq!(
                weekday(expected),
                i64::from(date.weekday().num_days_from_monday())
            );
            date = date.succ_opt().expect("next day");
        }
    }

    #[test]
    fn only_real_dates_are_dates() {
        for bad in [
            "",
            "2026-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-04-31",
            "2024-001-01",
            "24-01-01",
            "2024/01/01",
            "2024-01-0a",
            "+024-01-01",
        ] {
            assert_eq!(day_number(bad), None, "{bad}");
        }
        assert!(day_number("2024-02-29").is_some());
        assert_eq!(day_number("2024-2-9"), day_number("2024-02-09"));
        assert_eq!(minute_number("1970-01-02T01:30"), Some(24 * 60 + 90));
        assert_eq!(minute_number("1970-01-02 1:30"), Some(24 * 60 + 90));
        assert_eq!(date_time_text(24 * 60 + 90), "1970-01-02T01:30");
        assert_eq!(minute_number("1970-01-02T01:3"), None);
        assert_eq!(minute_number("1970-01-02T24:00"), None);
        assert_eq!(minute_number("1970-01-02"), None);
    }

    #[test]
    fn weekdays_count_monday_to_friday_both_ends_included() {
        let day = |text| day_number(text).expect("a date");
        // Monday 7 to Friday 11 December 2026.
        assert_eq!(weekdays_between(day("2026-12-07"), day("2026-12-11")), 5);
        // Friday to Monday: two weekdays.
        assert_eq!(weekdays_between(day("2026-12-11"), day("2026-12-14")), 2);
        // A weekend alone: none.
        assert_eq!(weekdays_between(day("2026-12-12"), day("2026-12-13")), 0);
        assert_eq!(weekdays_between(day("2026-12-07"), day("2026-12-07")), 1);
        assert_eq!(weekdays_between(day("2026-12-14"), day("2026-12-07")), 0);
        // Brute force over a year of starts and spans.
        let first = day("2026-01-01");
        for start in first..first + 366 {
            for span in 0..30 {
                let brute = (start..=start + span).filter(|d| weekday(*d) < 5).count() as i64;
                assert_eq!(weekdays_between(start, start + span), brute);
            }
        }
    }
}
