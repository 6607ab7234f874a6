//! Dependencies point down, never up: reads every `crate::…` and `super::…` path in `app/src`
//! and fails on one that reaches a higher layer than the file it is written in.
//!
//! The layers, bottom to top (also in the README's architecture section):
//!
//! 0. types: ids, the error type, pure `domain/` rules, wire types (`*/model.rs`)
//! 1. storage: `db/` (entities, connection, stored definitions, file store), the app state and
//!    the sign-in gate it holds (throttles)
//! 2. directory and guards: people and teams, sign-in, who may see a request
//! 3. notices and audit: notifications (a sink), the audit trail
//! 4. the request kernel: the one way to change a request
//! 5. engines: approvals, tasks, SLA clocks (later incidents, changes)
//! 6. workflow and use cases: what happens next, submitting, commenting, the catalog designer
//! 7. read models: the request lists, the leadership dashboard
//! 8. server functions (`*/api.rs`), and the confirmations they send back (`ui/notice.rs`)
//! 9. pages and components, the app shell

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const LAYERS: [&str; 10] = [
    "types",
    "storage",
    "directory and guards",
    "notices and audit",
    "request kernel",
    "engines",
    "workflow and use cases",
    "read models",
    "server functions",
    "pages and components",
];

/// Whether a file only declares modules (an area's `mod.rs`): it belongs to no layer.
fn only_declares_modules(text: &str) -> bool {
    text.lines().map(str::trim).all(|line| {
        line.is_empty()
            || line.starts_with("//")
            || line.starts_with("#[cfg")
            || line.starts_with("pub mod ")
            || line.starts_with("mod ")
    })
}

/// The layer of a file, by its path under `app/src`.
fn layer(path: &str) -> usize {
    let is = |p: &str| path == p;
    let under = |p: &str| path.starts_with(p);
    if is("error.rs") || is("ids.rs") || under("domain/") || path.ends_with("model.rs") {
        0
    } else if under("db/") || is("state.rs") || is("auth/throttle.rs") {
        1
    } else if is("directory.rs") || is("auth/service.rs") || is("requests/access.rs") {
        2
    } else if is("notifications/service.rs") || is("requests/audit.rs") {
        3
    } else if is("requests/kernel.rs") {
        4
    } else if is("approvals/service.rs")
        || is("tasks/service.rs")
        || is("sla/clocks.rs")
        || is("metrics/buckets.rs")
    {
        5
    } else if under("workflow/")
        || is("requests/service.rs")
        || is("catalog/service.rs")
        || is("catalog/designer.rs")
        || is("catalog/admin.rs")
        || is("attachments/service.rs")
        || is("requests/views.rs")
        || is("requests/links.rs")
        || is("requests/requester.rs")
        || is("requests/templates.rs")
        || is("sla/calendars.rs")
        || is("sla/policies.rs")
    {
        6
    } else if is("requests/lists.rs") || is("metrics/dashboard.rs") || is("metrics/drill.rs") {
        7
    } else if path.ends_with("api.rs") || is("ui/header.rs") || is("ui/notice.rs") {
        8
    } else {
        9
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read app/src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The file a module path (`["requests", "kernel", "RequestWork"]`) names: the longest
/// prefix that is a file or a folder's `mod.rs`.
fn resolve(src: &Path, segments: &[String]) -> Option<String> {
    for len in (1..=segments.len()).rev() {
        let joined = segments[..len].join("/");
        for candidate in [format!("{joined}.rs"), format!("{joined}/mod.rs")] {
            if src.join(&candidate).is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// The module a file is: `requests/kernel.rs` → `requests::kernel`, `workflow/mod.rs` →
/// `workflow`.
fn module_of(file: &str) -> Vec<String> {
    let trimmed = file
        .trim_end_matches(".rs")
        .trim_end_matches("/mod")
        .to_owned();
    if trimmed == "lib" {
        return Vec::new();
    }
    trimmed.split('/').map(str::to_owned).collect()
}

/// Every path written as `crate::a::b…` or `super::a…` (with `use crate::{a, b}` expanded),
/// as absolute module segments.
fn referenced_paths(file: &str, text: &str) -> Vec<Vec<String>> {
    let module = module_of(file);
    let mut found = Vec::new();
    let bytes = text.as_bytes();
    for (start, prefix) in text
        .match_indices("crate::")
        .chain(text.match_indices("super::"))
    {
        if start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_') {
            continue;
        }
        let mut base: Vec<String> = if prefix == "crate::" {
            Vec::new()
        } else {
            let mut parent = module.clone();
            parent.pop();
            parent
        };
        let mut rest = &text[start + prefix.len()..];
        while let Some(stripped) = rest.strip_prefix("super::") {
            base.pop();
            rest = stripped;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for name in group[..end].split(',') {
                let first = name.trim().split("::").next().unwrap_or("").trim();
                if !first.is_empty() && first != "self" {
                    let mut path = base.clone();
                    path.push(first.to_owned());
                    found.push(path);
                }
            }
            continue;
        }
        let segment_chars = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':';
        let end = rest.find(|c: char| !segment_chars(c)).unwrap_or(rest.len());
        let mut path = base;
        path.extend(
            rest[..end]
                .split("::")
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
        );
        found.push(path);
    }
    found
}

#[test]
fn no_module_imports_a_layer_above_its_own() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 50, "found the sources");
    let mut upward = BTreeSet::new();
    for path in &files {
        let file = path
            .strip_prefix(&src)
            .expect("under src")
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(path).expect("read");
        // Unit tests (at the end of a file, by convention) may reach anywhere.
        let text = text.split("#[cfg(test)]").next().unwrap_or_default();
        let own = layer(&file);
        for target in referenced_paths(&file, text) {
            let Some(target_file) = resolve(&src, &target) else {
                continue;
            };
            let target_text = std::fs::read_to_string(src.join(&target_file)).expect("read");
            if only_declares_modules(&target_text) {
                continue;
            }
            let theirs = layer(&target_file);
            if theirs > own {
                upward.insert(format!(
                    "{file} ({}) uses {} in {target_file} ({})",
                    LAYERS[own],
                    target.join("::"),
                    LAYERS[theirs]
                ));
            }
        }
    }
    assert!(
        upward.is_empty(),
        "imports that go up a layer:\n{}",
        upward.into_iter().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn paths_are_read_as_written() {
    let paths = referenced_paths(
        "requests/kernel.rs",
        "use super::audit::Change;\nuse crate::{db::Db, error};\nlet x = crate::workflow::tick();",
    );
    let joined: Vec<String> = paths.iter().map(|p| p.join("::")).collect();
    assert!(joined.contains(&"requests::audit::Change".to_owned()));
    assert!(joined.contains(&"db".to_owned()));
    assert!(joined.contains(&"error".to_owned()));
    assert!(joined.contains(&"workflow::tick".to_owned()));
    assert_eq!(layer("requests/kernel.rs"), 4);
    assert_eq!(layer("workflow/mod.rs"), 6);
    assert_eq!(layer("approvals/pages/mod.rs"), 9);
}
