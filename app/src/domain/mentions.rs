//! @mentions in comments: `@ivan.petrov` names the person whose email starts `ivan.petrov@`.

/// The handles mentioned in a text, lowercased, each once, in order. An `@` inside a word (an
/// email address such as `a@b.org`) is not a mention.
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
            }
        } else {
            i += 1;
        }
    }
    found
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
}
