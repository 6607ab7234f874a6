//! Reply templates: a department's ready-made answers, with a few blanks filled in from the
//! request (`{first_name}`, `{requester}`, `{number}`, `{title}`, `{agent}`).
//!
//! Pure: the service checks a template when it is saved and fills it when an agent uses it.

/// Longest template name.
pub const NAME_LIMIT: usize = 80;
/// Longest template text.
pub const BODY_LIMIT: usize = 4_000;
/// Most templates a department keeps.
pub const PER_DEPARTMENT: u64 = 50;

/// The blanks a template may hold, with what fills each.
pub const BLANKS: [(&str, &str); 5] = [
    ("first_name", "the requester's first name"),
    ("requester", "the requester's full name"),
    ("number", "the request's number"),
    ("title", "the request's title"),
    ("agent", "your name"),
];

/// What fills a template's blanks for one request.
pub struct Facts<'a> {
    pub requester: &'a str,
    pub number: &'a str,
    pub title: &'a str,
    pub agent: &'a str,
}

impl Facts<'_> {
    fn value(&self, blank: &str) -> Option<String> {
        Some(match blank {
            "first_name" => self
                .requester
                .split_whitespace()
                .next()
                .unwrap_or(self.requester)
                .to_owned(),
            "requester" => self.requester.to_owned(),
            "number" => self.number.to_owned(),
            "title" => self.title.to_owned(),
            "agent" => self.agent.to_owned(),
            _ => return None,
        })
    }
}

/// The blanks in `body`, in order: the text between `{` and the next `}` (without spaces).
fn blanks(body: &str) -> impl Iterator<Item = (usize, usize, &str)> {
    let mut from = 0;
    std::iter::from_fn(move || loop {
        let open = from + body.get(from..)?.find('{')?;
        let close = open + body[open..].find('}')?;
        from = open + 1;
        let name = &body[open + 1..close];
        if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            from = close + 1;
            return Some((open, close + 1, name));
        }
    })
}

/// Checks a template as a department admin saves it: a name, a text within the limits, and
/// only known blanks. The message says what to fix.
pub fn check(name: &str, body: &str) -> Result<(), String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("Give the template a name.".into());
    }
    if name.chars().count() > NAME_LIMIT {
        return Err(format!(
            "A template's name is at most {NAME_LIMIT} characters."
        ));
    }
    if body.trim().is_empty() {
        return Err("Write the template's text.".into());
    }
    if body.chars().count() > BODY_LIMIT {
        return Err(format!(
            "A template's text is at most {BODY_LIMIT} characters."
        ));
    }
    if let Some((_, _, unknown)) =
        blanks(body).find(|(_, _, b)| !BLANKS.iter().any(|(known, _)| known == b))
    {
        let known: Vec<String> = BLANKS.iter().map(|(b, _)| format!("{{{b}}}")).collect();
        return Err(format!(
            "“{{{unknown}}}” is not a blank Atrium fills in: use {}.",
            known.join(", ")
        ));
    }
    Ok(())
}

/// The template's text with its blanks filled in for one request.
pub fn fill(body: &str, facts: &Facts<'_>) -> String {
    let mut out = String::with_capacity(body.len());
    let mut at = 0;
    for (start, end, blank) in blanks(body) {
        out.push_str(&body[at..start]);
        match facts.value(blank) {
            Some(value) => out.push_str(&value),
            None => out.push_str(&body[start..end]),
        }
        at = end;
    }
    out.push_str(&body[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const FACTS: Facts<'static> = Facts {
        requester: "Emma Clark",
        number: "REQ-000042",
        title: "New laptop",
        agent: "Sam Lee",
    };

    #[test]
    fn blanks_are_filled_from_the_request() {
        assert_eq!(
            fill(
                "Hello {first_name}, {number} ({title}) is ready. — {agent}",
                &FACTS
            ),
            "Hello Emma, REQ-000042 (New laptop) is ready. — Sam Lee"
        );
        // Braces that are not blanks stay as written.
        assert_eq!(fill("{ not one } {}", &FACTS), "{ not one } {}");
        assert_eq!(
            fill("{requester}{requester}", &FACTS),
            "Emma ClarkEmma Clark"
        );
        assert_eq!(fill("no blanks, ünïcode {", &FACTS), "no blanks, ünïcode {");
    }

    #[test]
    fn a_template_needs_a_name_a_text_and_only_known_blanks() {
        assert!(check("Ready", "Hello {first_name}").is_ok());
        assert!(check(" ", "x").is_err());
        assert!(check("Ready", "  ").is_err());
        assert!(check(&"n".repeat(NAME_LIMIT + 1), "x").is_err());
        assert!(check("Ready", &"x".repeat(BODY_LIMIT + 1)).is_err());
        let unknown = check("Ready", "Hi {firstname}").expect_err("unknown blank");
        assert!(unknown.contains("{firstname}") && unknown.contains("{first_name}"));
    }
}
