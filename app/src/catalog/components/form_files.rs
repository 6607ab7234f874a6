//! (hydrate) The order page's file fields, over the markup `file_input::FileInput` renders: a
//! chosen file is uploaded at once and checked by the server (type by content, size), and the
//! upload's token goes into the field's hidden input, which the form posts. The form's script
//! (`form_live`) hands over the events; a group row's file fields need nothing of their own.

use super::file_input::upload;
use super::form_markup::{all, attr_number, set_hidden};
use crate::domain::files;
use crate::ui::island::announce_change;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{Element, HtmlElement, HtmlInputElement};

/// The field's box, when `input` is an order page's file input.
pub(super) fn upload_box(input: &HtmlInputElement) -> Option<Element> {
    if input.type_() != "file" {
        return None;
    }
    input.closest(".file-input[data-item]").ok().flatten()
}

/// What a field says while its file is uploading (its answer, the token, is not there yet).
pub(super) const STILL_UPLOADING: &str =
    "The file is still uploading: send the request once it is attached.";

/// The fields whose file is uploading now.
pub(super) fn uploading(form: &Element) -> Vec<String> {
    all(form, "[data-field] > .file-input[data-uploading]")
        .iter()
        .filter_map(|field| field.parent_element()?.get_attribute("data-field"))
        .collect()
}

/// A file was chosen in `input` (of the field `key`, whose box is `field`): too big is said at
/// once, anything else is uploaded.
pub(super) fn chosen(field: Element, input: HtmlInputElement, key: &str) {
    let Some(file) = input.files().and_then(|list| list.get(0)) else {
        return;
    };
    let (Some(status), Some(problem)) = (
        part(&field, "[role=status]"),
        part(&field, "[data-upload-problem]"),
    ) else {
        return;
    };
    let limit_mb = attr_number(&field, "data-limit-mb").unwrap_or(0);
    if file.size() > limit_mb as f64 * 1024.0 * 1024.0 {
        say(
            &problem,
            Some(&format!(
                "“{}” is {}; the limit is {limit_mb} MB.",
                file.name(),
                files::human_size(file.size() as u64)
            )),
        );
        input.set_value("");
        return;
    }
    say(&problem, None);
    let item = field.get_attribute("data-item").unwrap_or_default();
    let url = format!("/attachments?item={item}&field={key}");
    let before = status.text_content();
    status.set_text_content(Some("Uploading…"));
    let focused = document().active_element().as_ref() == Some(input.unchecked_ref());
    input.set_disabled(true);
    let _ = field.set_attribute("data-uploading", "");
    leptos::task::spawn_local(async move {
        let result = upload(&url, &file).await;
        input.set_disabled(false);
        let _ = field.remove_attribute("data-uploading");
        if focused {
            let _ = input.focus();
        }
        match result {
            Ok(uploaded) => {
                status.set_text_content(Some(&format!(
                    "Attached: {} ({})",
                    uploaded.name,
                    files::human_size(uploaded.size)
                )));
                if let Some(remove) = part(&field, "[data-remove-file]") {
                    let label = format!("Remove the file {}", uploaded.name);
                    let _ = remove.set_attribute("aria-label", &label);
                    set_hidden(&remove, false);
                }
                set_token(&field, &uploaded.token);
            }
            Err(message) => {
                status.set_text_content(before.as_deref());
                say(&problem, Some(&message));
                input.set_value("");
            }
        }
        // The form checks the field again, now that its upload is over.
        if let Some(token) = part(&field, "input[type=hidden]") {
            announce_change(&token);
        }
    });
}

/// The "Remove file" button was pressed: the answer is emptied and the input offered again
/// (the form, which handed over the click, checks the field itself).
pub(super) fn remove(button: &Element) {
    let Some(field) = button.closest(".file-input").ok().flatten() else {
        return;
    };
    set_hidden(button, true);
    if let Some(status) = part(&field, "[role=status]") {
        status.set_text_content(status.get_attribute("data-hint").as_deref());
    }
    if let Some(input) = part(&field, "input[type=file]") {
        if let Some(input) = input.dyn_ref::<HtmlInputElement>() {
            input.set_value("");
        }
        if let Some(input) = input.dyn_ref::<HtmlElement>() {
            let _ = input.focus();
        }
    }
    set_token(&field, "");
}

/// Puts the answer into the field's hidden input.
fn set_token(field: &Element, token: &str) {
    if let Some(input) = part(field, "input[type=hidden]")
        .and_then(|hidden| hidden.dyn_into::<HtmlInputElement>().ok())
    {
        input.set_value(token);
    }
}

fn say(problem: &Element, message: Option<&str>) {
    problem.set_text_content(message);
    set_hidden(problem, message.is_none());
}

fn part(field: &Element, selector: &str) -> Option<Element> {
    field.query_selector(selector).ok().flatten()
}
