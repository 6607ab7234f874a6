//! An attachment field: the file is uploaded as soon as it is chosen, checked by the server
//! (type by content, size), and the form answer carries the upload's token.
//!
//! The server renders the field's markup; on the order page the form's script
//! (`form_files`, wired by the rules island) uploads what is chosen and writes into it. In the
//! designer's preview nothing is uploaded and the input stays disabled.

use crate::domain::files::{self, FileKind};
use leptos::prelude::*;

/// The item whose form is being filled in; uploads are checked against its fields. Absent in
/// the designer's preview, where nothing is uploaded.
#[derive(Clone, Debug)]
pub struct UploadTarget(pub String);

#[component]
pub fn FileInput(
    id: String,
    name: String,
    accept: Vec<FileKind>,
    max_size_mb: Option<u32>,
    initial: String,
    invalid: Signal<bool>,
    described_by: Signal<Option<String>>,
    /// The item being ordered (its slug), whose field an upload is checked against; `None` in
    /// the designer's preview.
    item: Option<String>,
) -> impl IntoView {
    let limit_mb = max_size_mb
        .unwrap_or(files::DEFAULT_ATTACHMENT_MB)
        .min(files::MAX_ATTACHMENT_MB);
    let hint = format!(
        "{}, up to {limit_mb} MB.",
        capitalise(&files::accept_text(&accept))
    );
    let preview = item.is_none();
    let status = if preview {
        format!("{hint} Files are uploaded on the live form, not in the preview.")
    } else {
        hint.clone()
    };
    let status_id = format!("{id}-status");
    view! {
        <div class="file-input" data-item=item data-limit-mb=limit_mb>
            <input
                id=id.clone()
                type="file"
                accept=files::accept_attribute(&accept)
                disabled=preview
                aria-invalid=move || invalid.get().then_some("true")
                aria-describedby=move || {
                    let mut ids = vec![status_id.clone()];
                    ids.extend(described_by.get());
                    ids.join(" ")
                }
            />
            <input type="hidden" id=format!("{id}-token") name=name value=initial/>
            <p class="help" id=format!("{id}-status") role="status" data-hint=hint>{status}</p>
            <noscript><p class="help">"Attaching a file needs JavaScript."</p></noscript>
            <button type="button" class="button small subtle" data-remove-file="" hidden>
                "Remove file"
            </button>
            <p class="field-error" role="alert" data-upload-problem="" hidden></p>
        </div>
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => std::iter::once(first.to_ascii_uppercase())
            .chain(chars)
            .collect(),
        None => String::new(),
    }
}

/// Uploads a file to `url` (an item's field, or a request's comment); the server's refusal
/// comes back in words. The answer is read with the browser's own `JSON.parse`: serde's
/// decoders would weigh more in the order page's bundle than the upload itself.
#[cfg(feature = "hydrate")]
pub(crate) async fn upload(
    url: &str,
    file: &leptos::web_sys::File,
) -> Result<crate::attachments::model::UploadedFile, String> {
    use crate::attachments::model::UploadedFile;
    use leptos::wasm_bindgen::JsValue;
    let failed = |e: &dyn std::fmt::Display| format!("The upload failed: {e}. Try again.");
    let form = leptos::web_sys::FormData::new().map_err(|_| failed(&"no form data"))?;
    form.append_with_blob_and_filename("file", file, &file.name())
        .map_err(|_| failed(&"the file could not be read"))?;
    let response = gloo_net::http::Request::post(url)
        .body(form)
        .map_err(|e| failed(&e))?
        .send()
        .await
        .map_err(|e| failed(&e))?;
    let body = response.text().await.map_err(|e| failed(&e))?;
    let body = js_sys::JSON::parse(&body).unwrap_or(JsValue::NULL);
    let field = |name: &str| js_sys::Reflect::get(&body, &JsValue::from_str(name)).ok();
    let text = |name: &str| field(name).and_then(|v| v.as_string());
    if !response.ok() {
        return Err(text("error").unwrap_or_else(|| failed(&response.status())));
    }
    match (text("token"), text("name")) {
        (Some(token), Some(name)) => Ok(UploadedFile {
            token,
            name,
            size: field("size").and_then(|v| v.as_f64()).unwrap_or(0.0) as u64,
            content_type: text("content_type").unwrap_or_default(),
        }),
        _ => Err(failed(&"the server's answer could not be read")),
    }
}
