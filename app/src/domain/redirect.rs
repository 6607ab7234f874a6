//! Where a browser may be sent after a form: one strict check for every redirect target (the
//! page after signing in, the `back` of approval and task forms), so none can leave the site.

/// Longest target accepted.
const MAX_LEN: usize = 2048;

/// `target` when it is a path (with an optional query) of this site, or `None`.
///
/// It must start with exactly one `/` (never `//` or `/\`, which browsers read as another
/// host), and hold only URL path and query characters: no backslash, no space, tab, newline
/// or other control character (browsers drop tabs and newlines, so `/\t/evil.example` would
/// be `//evil.example`), nothing that would not be a valid `Location` header.
pub fn local_path(target: &str) -> Option<&str> {
    let rest = target.strip_prefix('/')?;
    if rest.starts_with('/') || target.len() > MAX_LEN {
        return None;
    }
    let allowed = |b: u8| b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/?%".contains(&b);
    target.bytes().all(allowed).then_some(target)
}

/// Where to go after signing in: `next` when it is a page of this site (but not the sign-in
/// page itself), the catalog otherwise.
pub fn after_sign_in(next: Option<&str>) -> String {
    next.and_then(local_path)
        .filter(|path| !path.starts_with("/login"))
        .unwrap_or("/")
        .to_owned()
}

/// Percent-encodes everything but unreserved characters (RFC 3986) and `/`.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// Decodes `%XX` escapes and `+` (a space in a query), leniently: malformed escapes stay as
/// they are.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'+', _) => out.push(b' '),
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 2;
            }
            (other, _) => out.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_of_this_site_pass() {
        for ok in [
            "/",
            "/requests/REQ-000001",
            "/my-requests?state=all&before=500150",
            "/tasks?show=team",
            "/catalog/new-laptop",
            "/%09/evil.example",
        ] {
            assert_eq!(local_path(ok), Some(ok), "{ok}");
        }
    }

    #[test]
    fn anything_that_could_leave_the_site_is_refused() {
        for bad in [
            "",
            "evil.example",
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/ /evil.example",
            "/x\\..\\evil",
            "\\\\evil.example",
            "/\u{7f}",
            "/caf\u{e9}",
            "/x\0",
        ] {
            assert_eq!(local_path(bad), None, "{bad:?}");
        }
        assert_eq!(local_path(&format!("/{}", "a".repeat(MAX_LEN))), None);
    }

    #[test]
    fn sign_in_goes_back_only_to_this_site() {
        assert_eq!(
            after_sign_in(Some("/requests/REQ-000001")),
            "/requests/REQ-000001"
        );
        assert_eq!(after_sign_in(Some("//evil.example")), "/");
        assert_eq!(after_sign_in(Some("/\t/evil.example")), "/");
        assert_eq!(after_sign_in(Some("https://evil.example")), "/");
        assert_eq!(after_sign_in(Some("/\\evil.example")), "/");
        assert_eq!(after_sign_in(Some("/login")), "/");
        assert_eq!(after_sign_in(None), "/");
    }
}
