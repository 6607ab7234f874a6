//! Business calendars as people type them in the calendar editor: a day's hours as
//! `08:00–12:00, 13:00–18:00` (or empty: closed), holidays one per line as
//! `2026-12-25 Christmas Day`, with `(yearly)` at the end for the same day every year.
//!
//! Reading is strict and says what is wrong and where; writing gives back what reading takes.

use super::calendar::{clock_text, Calendar, Holiday, Hours, DAY_MINUTES};
use chrono::NaiveDate;

/// The weekdays, Monday first (the order of `Calendar::week`).
pub const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// Most holidays a calendar keeps.
pub const HOLIDAY_LIMIT: usize = 200;

/// `08:00–12:00, 13:00–18:00`; empty for a day off.
pub fn hours_text(hours: &[Hours]) -> String {
    hours
        .iter()
        .map(|h| format!("{}–{}", clock_text(h.start), clock_text(h.end)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn minute_of(text: &str) -> Option<u16> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (u16, u16) = (h.trim().parse().ok()?, m.trim().parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
}

/// A day's hours from `08:00-12:00, 13:00-18:00` (a dash or an en dash); empty or `closed`:
/// none.
pub fn parse_hours(day: &str, text: &str) -> Result<Vec<Hours>, String> {
    let text = text.trim();
    if text.is_empty() || text.eq_ignore_ascii_case("closed") {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for part in text.split(',') {
        let part = part.trim();
        let (start, end) = part
            .split_once(['-', '–'])
            .and_then(|(a, b)| Some((minute_of(a)?, minute_of(b)?)))
            .ok_or_else(|| {
                format!("{day}: “{part}” is not a time range; write it as 08:00–17:00.")
            })?;
        if start >= end || end > DAY_MINUTES {
            return Err(format!(
                "{day}: {part} must end after it starts (by 24:00)."
            ));
        }
        out.push(Hours::new(start, end));
    }
    out.sort();
    Ok(out)
}

/// One line per holiday: `2026-12-25 Christmas Day (yearly)`.
pub fn holidays_text(holidays: &[Holiday]) -> String {
    holidays
        .iter()
        .map(|h| {
            let mut parts = vec![h.date.format("%Y-%m-%d").to_string()];
            parts.extend(
                Some(h.name.trim())
                    .filter(|n| !n.is_empty())
                    .map(str::to_owned),
            );
            if h.yearly {
                parts.push("(yearly)".into());
            }
            parts.join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Holidays from lines of `YYYY-MM-DD Name`, `(yearly)` at the end for every year; blank
/// lines are skipped.
pub fn parse_holidays(text: &str) -> Result<Vec<Holiday>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (date, rest) = line.split_once(' ').unwrap_or((line, ""));
        let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| {
            format!(
                "Holidays, line {}: “{date}” is not a date; start the line with one such as \
                 2026-12-25.",
                n + 1
            )
        })?;
        let rest = rest.trim();
        let (name, yearly) = match rest.strip_suffix("(yearly)") {
            Some(name) => (name.trim(), true),
            None => (rest, false),
        };
        out.push(Holiday {
            date,
            yearly,
            name: name.chars().take(80).collect(),
        });
    }
    if out.len() > HOLIDAY_LIMIT {
        return Err(format!(
            "A calendar keeps at most {HOLIDAY_LIMIT} holidays; this has {}.",
            out.len()
        ));
    }
    out.sort_by_key(|h| h.date);
    Ok(out)
}

/// A calendar from the editor's fields; the result is checked as every calendar is.
pub fn parse_calendar(zone: &str, week: &[String; 7], holidays: &str) -> Result<Calendar, String> {
    let mut days: [Vec<Hours>; 7] = Default::default();
    for (n, text) in week.iter().enumerate() {
        days[n] = parse_hours(WEEKDAYS[n], text)?;
    }
    let calendar = Calendar {
        zone: zone.trim().to_owned(),
        week: days,
        holidays: parse_holidays(holidays)?,
    };
    calendar.check()?;
    Ok(calendar)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_written_reads_back() {
        let week: [String; 7] = std::array::from_fn(|d| {
            if d < 5 {
                "08:00-12:00, 13:00–18:00".to_owned()
            } else {
                String::new()
            }
        });
        let calendar = parse_calendar(
            "Europe/Berlin",
            &week,
            "2026-12-25 Christmas Day (yearly)\n\n2026-04-03 Good Friday",
        )
        .expect("a calendar");
        assert_eq!(hours_text(&calendar.week[0]), "08:00–12:00, 13:00–18:00");
        assert!(calendar.week[6].is_empty());
        assert_eq!(
            holidays_text(&calendar.holidays),
            "2026-04-03 Good Friday\n2026-12-25 Christmas Day (yearly)"
        );
        let again = parse_calendar(
            "Europe/Berlin",
            &std::array::from_fn(|d| hours_text(&calendar.week[d])),
            &holidays_text(&calendar.holidays),
        )
        .expect("again");
        assert_eq!(again, calendar);
        let unnamed = parse_holidays("2026-01-01 (yearly)").expect("unnamed");
        assert_eq!(holidays_text(&unnamed), "2026-01-01 (yearly)");
    }

    #[test]
    fn mistakes_are_named() {
        let err = parse_hours("Monday", "8-17").expect_err("no minutes");
        assert!(err.contains("Monday: “8-17” is not a time range"), "{err}");
        let err = parse_hours("Tuesday", "18:00-08:00").expect_err("backwards");
        assert!(err.contains("must end after it starts"), "{err}");
        assert_eq!(parse_hours("Sunday", "closed"), Ok(Vec::new()));
        assert_eq!(
            parse_hours("Friday", "00:00-24:00"),
            Ok(vec![Hours::new(0, DAY_MINUTES)])
        );
        let err = parse_holidays("25.12.2026 Christmas").expect_err("date");
        assert!(err.contains("line 1"), "{err}");
        let week: [String; 7] = std::array::from_fn(|_| "09:00-12:00, 11:00-13:00".to_owned());
        let err = parse_calendar("UTC", &week, "").expect_err("overlap");
        assert!(err.contains("overlap"), "{err}");
        let err = parse_calendar("Mars/Olympus", &Default::default(), "").expect_err("zone");
        assert!(err.contains("not a time zone"), "{err}");
    }
}
