//! Timestamps: the server renders absolute times (identical on both sides, so hydration
//! matches); a person reads them in a short, unambiguous form.

/// `2026-11-21T09:30:00Z` → `21 Nov 2026, 09:30 UTC`.
pub fn short(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.format("%-d %b %Y, %H:%M UTC").to_string())
        .unwrap_or_else(|_| rfc3339.to_owned())
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
    }
}
