//! Kinds of files an attachment field accepts, and how a file's real type is recognised.
//!
//! The type of an uploaded file is decided by its content (its first bytes), never by its name
//! or by what the browser claims; the name's extension must then agree with the content. Only
//! the types below are accepted at all: no HTML, SVG, scripts or executables, whatever the
//! field says.

use serde::{Deserialize, Serialize};

/// A family of file types, as a department admin chooses them for a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    Pdf,
    Image,
    Document,
    Spreadsheet,
    Presentation,
    Text,
    Archive,
}

/// Largest attachment any field accepts, in megabytes (a field may set less).
pub const MAX_ATTACHMENT_MB: u32 = 100;
/// Size limit of an attachment field without its own.
pub const DEFAULT_ATTACHMENT_MB: u32 = 10;

impl FileKind {
    pub const ALL: [FileKind; 7] = [
        FileKind::Pdf,
        FileKind::Image,
        FileKind::Document,
        FileKind::Spreadsheet,
        FileKind::Presentation,
        FileKind::Text,
        FileKind::Archive,
    ];

    /// The name definitions write (`"accept": ["pdf"]`).
    pub fn name(self) -> &'static str {
        match self {
            FileKind::Pdf => "pdf",
            FileKind::Image => "image",
            FileKind::Document => "document",
            FileKind::Spreadsheet => "spreadsheet",
            FileKind::Presentation => "presentation",
            FileKind::Text => "text",
            FileKind::Archive => "archive",
        }
    }

    /// How people call it, e.g. in "Accepted: PDF, image".
    pub fn label(self) -> &'static str {
        match self {
            FileKind::Pdf => "PDF",
            FileKind::Image => "image (PNG, JPEG, GIF, WebP)",
            FileKind::Document => "document (Word, OpenDocument)",
            FileKind::Spreadsheet => "spreadsheet (Excel, OpenDocument, CSV)",
            FileKind::Presentation => "presentation (PowerPoint, OpenDocument)",
            FileKind::Text => "plain text",
            FileKind::Archive => "ZIP archive",
        }
    }

    /// The file name extensions of this kind.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            FileKind::Pdf => &["pdf"],
            FileKind::Image => &["png", "jpg", "jpeg", "gif", "webp"],
            FileKind::Document => &["docx", "odt"],
            FileKind::Spreadsheet => &["xlsx", "ods", "csv"],
            FileKind::Presentation => &["pptx", "odp"],
            FileKind::Text => &["txt", "log", "md"],
            FileKind::Archive => &["zip"],
        }
    }
}

/// Every accepted content type: its kind, its MIME type, and the extensions a file of that
/// content may carry.
pub const FILE_TYPES: &[(FileKind, &str, &[&str])] = &[
    (FileKind::Pdf, "application/pdf", &["pdf"]),
    (FileKind::Image, "image/png", &["png"]),
    (FileKind::Image, "image/jpeg", &["jpg", "jpeg"]),
    (FileKind::Image, "image/gif", &["gif"]),
    (FileKind::Image, "image/webp", &["webp"]),
    (
        FileKind::Document,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        &["docx"],
    ),
    (
        FileKind::Document,
        "application/vnd.oasis.opendocument.text",
        &["odt"],
    ),
    (
        FileKind::Spreadsheet,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &["xlsx"],
    ),
    (
        FileKind::Spreadsheet,
        "application/vnd.oasis.opendocument.spreadsheet",
        &["ods"],
    ),
    (FileKind::Spreadsheet, "text/csv", &["csv"]),
    (
        FileKind::Presentation,
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        &["pptx"],
    ),
    (
        FileKind::Presentation,
        "application/vnd.oasis.opendocument.presentation",
        &["odp"],
    ),
    (FileKind::Text, "text/plain", &["txt", "log", "md"]),
    (FileKind::Archive, "application/zip", &["zip"]),
];

/// The lower-case extension of a file name, if it has one.
pub fn extension(name: &str) -> Option<String> {
    let (stem, ext) = name.rsplit_once('.')?;
    (!stem.is_empty() && !ext.is_empty()).then(|| ext.to_ascii_lowercase())
}

/// A recognised file: what its content is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recognised {
    pub kind: FileKind,
    pub mime: &'static str,
}

/// Decides whether a file may be accepted, from the MIME type its content was recognised as
/// (`None`: not recognised by magic bytes), whether its content is plain text, and its name.
pub fn recognise(
    content_mime: Option<&str>,
    is_text: bool,
    name: &str,
) -> Result<Recognised, String> {
    let ext = extension(name).unwrap_or_default();
    let accepted = |mime: &str| FILE_TYPES.iter().find(|(_, m, _)| *m == mime);
    let (kind, mime, exts) = match content_mime {
        Some(mime) => match accepted(mime) {
            Some(found) => *found,
            None => {
                return Err(format!(
                    "“{name}” is a kind of file that is not accepted here ({mime})."
                ))
            }
        },
        None if is_text => {
            // Text has no magic bytes: the extension tells CSV from other text.
            if ext == "csv" {
                (FileKind::Spreadsheet, "text/csv", &["csv"][..])
            } else {
                (FileKind::Text, "text/plain", &["txt", "log", "md"][..])
            }
        }
        None => {
            return Err(format!(
                "“{name}” is not a kind of file accepted here: its content is not a PDF, image, \
                 office document, text or ZIP file."
            ))
        }
    };
    if !exts.contains(&ext.as_str()) {
        return Err(format!(
            "“{name}” does not match its content: the file is a {}, so its name should end in .{}.",
            kind.label(),
            exts[0]
        ));
    }
    Ok(Recognised { kind, mime })
}

/// Whether bytes read as plain text: valid UTF-8 without control characters other than
/// tab, line feed and carriage return (and a byte-order mark).
pub fn looks_like_text(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    text.chars()
        .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\u{feff}'))
}

/// Checks a recognised file against a field's limits.
pub fn check_limits(
    recognised: &Recognised,
    size: u64,
    accept: &[FileKind],
    max_size_mb: Option<u32>,
    name: &str,
) -> Result<(), String> {
    let limit_mb = max_size_mb
        .unwrap_or(DEFAULT_ATTACHMENT_MB)
        .min(MAX_ATTACHMENT_MB);
    if size == 0 {
        return Err(format!("“{name}” is empty."));
    }
    if size > u64::from(limit_mb) * 1024 * 1024 {
        return Err(format!(
            "“{name}” is {}; the limit is {limit_mb} MB.",
            human_size(size)
        ));
    }
    if !accept.is_empty() && !accept.contains(&recognised.kind) {
        return Err(format!(
            "“{name}” is a {}; this field accepts {}.",
            recognised.kind.label(),
            accept_text(accept)
        ));
    }
    Ok(())
}

/// "PDF or image (PNG, JPEG, GIF, WebP)".
pub fn accept_text(accept: &[FileKind]) -> String {
    let labels: Vec<&str> = accept.iter().map(|k| k.label()).collect();
    match labels.split_last() {
        None => "any supported file".to_owned(),
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

/// The `accept` attribute of a file input for these kinds.
pub fn accept_attribute(accept: &[FileKind]) -> String {
    let kinds: &[FileKind] = if accept.is_empty() {
        &FileKind::ALL
    } else {
        accept
    };
    kinds
        .iter()
        .flat_map(|k| k.extensions())
        .map(|e| format!(".{e}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// "1.5 MB", "820 KB", "12 bytes".
pub fn human_size(bytes: u64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes as f64;
    if b >= KB * KB {
        format!("{} MB", super::numbers::fmt_fixed(b / KB / KB, 1))
    } else if b >= KB {
        format!("{} KB", super::numbers::fmt_fixed((b / KB).ceil(), 0))
    } else {
        format!("{bytes} bytes")
    }
}

/// Whether an answer looks like an attachment reference (the token the upload returned).
pub fn is_token(text: &str) -> bool {
    (20..=64).contains(&text.len())
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_decides_and_the_name_must_agree() {
        let pdf = recognise(Some("application/pdf"), false, "Invoice.PDF").expect("accepted");
        assert_eq!(pdf.kind, FileKind::Pdf);
        let err = recognise(Some("image/png"), false, "invoice.pdf").expect_err("refused");
        assert!(err.contains("should end in .png"), "{err}");
        let err =
            recognise(Some("application/x-executable"), false, "tool.pdf").expect_err("refused");
        assert!(err.contains("not accepted"), "{err}");
        assert!(recognise(None, false, "blob.bin").is_err());
    }

    #[test]
    fn text_is_told_apart_by_extension() {
        assert_eq!(
            recognise(None, true, "data.csv").expect("accepted").kind,
            FileKind::Spreadsheet
        );
        assert_eq!(
            recognise(None, true, "notes.txt").expect("accepted").mime,
            "text/plain"
        );
        // An HTML page is text, but not a kind accepted under an .html name.
        assert!(recognise(None, true, "page.html").is_err());
        assert!(looks_like_text(b"a,b\r\n1,2\n"));
        assert!(!looks_like_text(b"\x00\x01binary"));
        assert!(!looks_like_text(&[0xff, 0xfe, 0x00]));
    }

    #[test]
    fn limits_are_checked() {
        let png = Recognised {
            kind: FileKind::Image,
            mime: "image/png",
        };
        assert!(check_limits(&png, 1000, &[], None, "a.png").is_ok());
        let err = check_limits(&png, 3 * 1024 * 1024, &[], Some(2), "a.png").expect_err("refused");
        assert_eq!(err, "“a.png” is 3.0 MB; the limit is 2 MB.");
        let err = check_limits(&png, 10, &[FileKind::Pdf], None, "a.png").expect_err("refused");
        assert!(err.contains("accepts PDF"), "{err}");
        assert!(check_limits(&png, 0, &[], None, "a.png").is_err());
    }

    #[test]
    fn accept_attribute_lists_extensions() {
        assert_eq!(accept_attribute(&[FileKind::Pdf]), ".pdf");
        assert!(accept_attribute(&[]).contains(".xlsx"));
        assert!(is_token("abcdefghij0123456789ab"));
        assert!(!is_token("../../etc/passwd"));
    }
}
