//! The order form's rules and checks, live in the browser: a small island over the form the
//! server rendered.
//!
//! The island holds the form's definition and runs the same `domain::form` code as the server
//! on whatever the form would post now: which fields show, which are required, locked or
//! limited, and what is wrong with the answers. It brings the page in line after every change
//! ([`super::form_live`]), adds and removes group rows, uploads what file fields are given
//! ([`super::form_files`]), and stops a submission the server would refuse. It renders only
//! the form's summary of problems.

use crate::domain::form::FieldErrors;
use leptos::prelude::*;

/// Today's date, the same way on both sides.
pub fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// The message under a field: the live check once the person has touched the field, or once a
/// submission was tried (where the live check has nothing to say, the server's word stands:
/// some checks, such as whether a person exists, only the server can make).
pub fn message(
    key: &str,
    touched: bool,
    attempted: bool,
    live: &FieldErrors,
    server: &FieldErrors,
) -> Option<String> {
    if touched {
        live.get(key).cloned()
    } else if attempted {
        live.get(key).or_else(|| server.get(key)).cloned()
    } else {
        server.get(key).cloned()
    }
}

/// The summary of problems at the top of the form, and the rules over the whole form.
#[cfg_attr(not(feature = "order-bundle"), island(lazy))]
#[cfg_attr(feature = "order-bundle", island)]
pub fn FormRules(
    /// The form's definition as the tree serde writes of it, which the browser reads with
    /// [`crate::domain::form_tree`]: serde's decoders, one per definition type, weighed more
    /// than the rules and checks themselves.
    definition: serde_json::Value,
    /// What the server said about the answers of a refused plain post.
    server_errors: FieldErrors,
    /// Whether a submission was tried (a refused plain post).
    attempted: bool,
    /// The number of problems the summary starts with, as the server counted them.
    initial_count: usize,
) -> impl IntoView {
    let summary = RwSignal::new(initial_count);
    let root = NodeRef::<leptos::html::Div>::new();
    #[cfg(feature = "hydrate")]
    {
        let mut setup = crate::domain::form_tree::form_definition(&definition)
            .map(|definition| (definition, server_errors));
        Effect::new(move |_| {
            if let Some(root) = root.get() {
                if let Some((definition, server_errors)) = setup.take() {
                    super::form_live::wire(&root, definition, server_errors, attempted, summary);
                }
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (definition, server_errors, attempted);
    crate::ui::island::hydrated();
    view! {
        <div node_ref=root class="form-summary" role="alert" hidden=move || summary.get() == 0>
            {move || match summary.get() {
                1 => "1 answer needs attention.".to_owned(),
                n => format!("{n} answers need attention."),
            }}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(pairs: &[(&str, &str)]) -> FieldErrors {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_live_check_speaks_once_touched_and_the_server_until_then() {
        let live = errors(&[("size", "Size is required.")]);
        let server = errors(&[
            ("size", "Size was refused."),
            ("buddy", "Nobody is called x."),
        ]);
        // Untouched, nothing tried: only what the server said.
        assert_eq!(
            message("size", false, false, &live, &server).as_deref(),
            Some("Size was refused.")
        );
        assert_eq!(message("other", false, false, &live, &server), None);
        // Touched: the live check, even where the server said something else.
        assert_eq!(
            message("size", true, false, &live, &server).as_deref(),
            Some("Size is required.")
        );
        assert_eq!(message("buddy", true, false, &live, &server), None);
        // Tried: the live check, and the server's word where the browser cannot check.
        assert_eq!(
            message("size", false, true, &live, &server).as_deref(),
            Some("Size is required.")
        );
        assert_eq!(
            message("buddy", false, true, &live, &server).as_deref(),
            Some("Nobody is called x.")
        );
    }
}
