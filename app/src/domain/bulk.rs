//! The words of a bulk action's confirmation: what was done, and why the rest was not.

/// Most reasons a confirmation lists; the rest are counted.
const REASONS: usize = 5;

/// "Done for 2 of 3: REQ-000001, REQ-000002. Not done: REQ-000003: …" from each request's
/// number and, when it was refused, the reason.
pub fn summary<'a>(outcomes: impl IntoIterator<Item = (String, Option<&'a str>)>) -> String {
    let mut done = Vec::new();
    let mut refused = Vec::new();
    for (number, error) in outcomes {
        match error {
            None => done.push(number),
            Some(reason) => {
                let reason = reason.trim().trim_end_matches('.');
                refused.push(if reason.contains(&number) {
                    reason.to_owned()
                } else {
                    format!("{number}: {reason}")
                });
            }
        }
    }
    let total = done.len() + refused.len();
    let mut text = if done.is_empty() {
        format!("Nothing changed ({total} ticked).")
    } else {
        format!("Done for {} of {total}: {}.", done.len(), done.join(", "))
    };
    if !refused.is_empty() {
        text.push_str(" Not done: ");
        text.push_str(&refused[..refused.len().min(REASONS)].join("; "));
        if refused.len() > REASONS {
            text.push_str(&format!("; and {} more", refused.len() - REASONS));
        }
        text.push('.');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::summary;

    #[test]
    fn says_what_was_done_and_why_the_rest_was_not() {
        let said = summary([
            ("REQ-000001".to_owned(), None),
            (
                "REQ-000002".to_owned(),
                Some("REQ-000002 was changed a moment ago."),
            ),
            (
                "REQ-000003".to_owned(),
                Some("A request that is cancelled cannot become resolved."),
            ),
        ]);
        assert_eq!(
            said,
            "Done for 1 of 3: REQ-000001. Not done: REQ-000002 was changed a moment ago; \
             REQ-000003: A request that is cancelled cannot become resolved."
        );
        assert_eq!(
            summary([("REQ-000009".to_owned(), Some("No."))]),
            "Nothing changed (1 ticked). Not done: REQ-000009: No."
        );
        let many = (1..=8).map(|n| (format!("REQ-{n:06}"), Some("No")));
        assert!(summary(many).ends_with("; and 3 more."));
    }
}
