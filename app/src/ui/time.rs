//! Timestamps: the server renders absolute times (identical on both sides, so hydration
//! matches); a person reads them in a short, unambiguous form.

/// `2026-11-21T09:30:00Z` → `21 Nov 2026, 10:30 CET` in the reader's time zone (their
/// profile's, else their department calendar's), `21 Nov 2026, 09:30 UTC` without one.
pub fn short(rfc3339: &str) -> String {
    // Pages render on the server; an island (in the browser) shows UTC.
    #[cfg(feature = "ssr")]
    if let Some(zone) = crate::auth::service::reader_zone() {
        if let Ok(t) = chrono::DateTime::parse_from_rfc3339(rfc3339) {
            return in_zone(t.with_timezone(&chrono::Utc), zone);
        }
    }
    #[cfg(feature = "ssr")]
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(rfc3339) {
        return utc_text(t.with_timezone(&chrono::Utc));
    }
    // In the browser, without chrono's parser and formatter (they would weigh on the designer's
    // code): times come from the server in UTC, `2026-11-21T09:30:00Z`.
    #[cfg(not(feature = "ssr"))]
    if let Some(text) = utc_text_of(rfc3339) {
        return text;
    }
    rfc3339.to_owned()
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `21 Nov 2026, 09:30 UTC`.
#[cfg(feature = "ssr")]
fn utc_text(t: chrono::DateTime<chrono::Utc>) -> String {
    use chrono::{Datelike, Timelike};
    format!(
        "{} {} {}, {:02}:{:02} UTC",
        t.day(),
        MONTHS[t.month0() as usize],
        t.year(),
        t.hour(),
        t.minute()
    )
}

/// `2026-11-21T09:30:00Z` (UTC, as the server writes times) → `21 Nov 2026, 09:30 UTC`.
#[cfg_attr(
    all(feature = "ssr", not(test)),
    expect(dead_code, reason = "the server parses with chrono")
)]
fn utc_text_of(rfc3339: &str) -> Option<String> {
    let (date, time) = rfc3339.split_once('T')?;
    crate::domain::dates::day_number(date)?;
    let mut parts = date.splitn(3, '-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    let month: usize = month.parse().ok()?;
    let day: u32 = day.parse().ok()?;
    let utc = time.ends_with('Z') || time.ends_with("+00:00");
    let (hour, minute) = (time.get(0..2)?, time.get(3..5)?);
    if !utc
        || time.get(2..3)? != ":"
        || !(hour.bytes().chain(minute.bytes())).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    Some(format!(
        "{day} {} {year}, {hour}:{minute} UTC",
        MONTHS.get(month.checked_sub(1)?)?
    ))
}

/// `21 Nov 2026, 10:30 CET`.
#[cfg(feature = "ssr")]
pub fn in_zone(t: chrono::DateTime<chrono::Utc>, zone: chrono_tz::Tz) -> String {
    use chrono::{Datelike, Timelike};
    // Written out rather than through chrono's `format` (which reads its pattern again at each
    // call): a page shows dozens of times.
    let local = t.with_timezone(&zone);
    format!(
        "{} {} {}, {:02}:{:02} {}",
        local.day(),
        MONTHS[local.month0() as usize],
        local.year(),
        local.hour(),
        local.minute(),
        local.offset()
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_and_falls_back() {
        assert_eq!(
            super::short("2026-11-21T09:30:00Z"),
            "21 Nov 2026, 09:30 UTC"
        );
        assert_eq!(super::short("garbage"), "garbage");
        assert_eq!(
            super::utc_text_of("2026-01-02T23:05:59Z").as_deref(),
            Some("2 Jan 2026, 23:05 UTC")
        );
        assert_eq!(super::utc_text_of("2026-13-02T23:05:59Z"), None);
        assert_eq!(super::utc_text_of("2026-01-02T23:05:59+01:00"), None);
        #[cfg(feature = "ssr")]
        {
            let t = chrono::DateTime::parse_from_rfc3339("2026-07-01T09:30:00Z")
                .expect("time")
                .with_timezone(&chrono::Utc);
            assert_eq!(
                super::in_zone(t, "Europe/Berlin".parse().expect("zone")),
                "1 Jul 2026, 11:30 CEST"
            );
            assert_eq!(
                super::in_zone(t, "America/New_York".parse().expect("zone")),
                "1 Jul 2026, 05:30 EDT"
            );
        }
    }
}
