//! Timestamps: the server renders absolute times (identical on both sides, so hydration
//! matches); a person reads them in a short, unambiguous form.

/// `2026-11-21T09:30:00Z` → `21 Nov 2026, 10:30 CET` in the reader's time zone (their
/// profile's, else their department calendar's), `21 Nov 2026, 09:30 UTC` without one.
pub fn short(rfc3339: &str) -> String {
    let Ok(t) = chrono::DateTime::parse_from_rfc3339(rfc3339) else {
        return rfc3339.to_owned();
    };
    // Pages render on the server; an island (in the browser) shows UTC.
    #[cfg(feature = "ssr")]
    if let Some(zone) = crate::auth::service::reader_zone() {
        return in_zone(t.with_timezone(&chrono::Utc), zone);
    }
    t.format("%-d %b %Y, %H:%M UTC").to_string()
}

/// `21 Nov 2026, 10:30 CET`.
#[cfg(feature = "ssr")]
pub fn in_zone(t: chrono::DateTime<chrono::Utc>, zone: chrono_tz::Tz) -> String {
    t.with_timezone(&zone)
        .format("%-d %b %Y, %H:%M %Z")
        .to_string()
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
