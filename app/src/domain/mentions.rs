//! @mentions in comments: `@ivan.petrov` names the person whose email starts `ivan.petrov@`.

/// Most people one comment can mention; handles past this are not looked up.
pub const MAX_MENTIONS: usize = 20;

/// The handles mentioned in a text, lowercased, each once, in order, at most
/// [`MAX_MENTIONS`]. An `@` inside a word (an email address such as `a@b.org`) is not a
/// mention.
pub fn handles(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let starts_word = i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '.');
        if chars[i] == '@' && starts_word {
            let handle: String = chars[i + 1..]
                .iter()
                .take_while(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'))
                .collect();
            // A sentence may end right after the name: "thanks @ivan.petrov."
            let handle = handle.trim_end_matches(['.', '-', '_']).to_lowercase();
            i += 1 + handle.chars().count();
            if !handle.is_empty() && handle.len() <= 64 && !found.contains(&handle) {
                found.push(handle);
                if found.len() == MAX_MENTIONS {
                    break;
                }
            }
        } else {
            i += 1;
        }
    }
    found
}

/// Whether `email` is the address `handle` names: its local part, exactly (case aside).
pub fn names(handle: &str, email: &str) -> bool {
    email
        .split_once('@')
        .is_some_and(|(local, _)| local.eq_ignore_ascii_case(handle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_handles_but_not_email_addresses() {
        assert_eq!(
            handles("@ivan.petrov could you check? cc @Frank.Dubois, thanks @ivan.petrov."),
            ["ivan.petrov", "frank.dubois"]
        );
        assert!(handles("mail ada@example.org please").is_empty());
        assert!(handles("just an @ sign").is_empty());
        assert_eq!(handles("(@mei.chen)"), ["mei.chen"]);
    }

    #[test]
    fn a_comment_mentions_at_most_twenty_people() {
        let text: String = (0..5000).map(|n| format!("@person{n} ")).collect();
        let found = handles(&text);
        assert_eq!(found.len(), MAX_MENTIONS);
        assert_eq!(found[0], "person0");
    }

    /// Whether `email` is the address `handle` names: its local part, exactly.
    #[test]
    fn a_handle_names_one_address_exactly() {
        assert!(names("ivan.petrov", "Ivan.Petrov@atrium.example"));
        assert!(!names("ivan_petrov", "ivan.petrov@atrium.example"));
        assert!(!names("ivan", "ivan.petrov@atrium.example"));
    }
}
