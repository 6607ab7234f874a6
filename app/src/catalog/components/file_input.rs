//! An attachment field: the file is uploaded as soon as it is chosen, checked by the server
//! (type by content, size), and the form answer carries the upload's token.

use crate::attachments::model::UploadedFile;
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
    /// The answer key (`receipt`, or `group.ROW.sub` in a group), for the upload's checks.
    field_key: String,
    accept: Vec<FileKind>,
    max_size_mb: Option<u32>,
    initial: String,
    invalid: Signal<bool>,
    described_by: Signal<Option<String>>,
    on_value: Callback<String>,
    on_blur: Callback<()>,
) -> impl IntoView {
    let target = use_context::<UploadTarget>();
    let token = RwSignal::new(initial);
    let chosen = RwSignal::new(None::<UploadedFile>);
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let limit_mb = max_size_mb
        .unwrap_or(files::DEFAULT_ATTACHMENT_MB)
        .min(files::MAX_ATTACHMENT_MB);
    let hint = format!(
        "{}, up to {limit_mb} MB.",
        capitalise(&files::accept_text(&accept))
    );
    let preview = target.is_none();
    let on_change = {
        let field_key = field_key.clone();
        move |ev: leptos::ev::Event| {
            let Some(UploadTarget(item)) = target.clone() else {
                return;
            };
            #[cfg(feature = "hydrate")]
            {
                let input: leptos::web_sys::HtmlInputElement = event_target(&ev);
                let Some(file) = input.files().and_then(|list| list.get(0)) else {
                    return;
                };
                if file.size() > f64::from(limit_mb) * 1024.0 * 1024.0 {
                    problem.set(Some(format!(
                        "“{}” is {}; the limit is {limit_mb} MB.",
                        file.name(),
                        files::human_size(file.size() as u64)
                    )));
                    input.set_value("");
                    return;
                }
                busy.set(true);
                problem.set(None);
                let field_key = field_key.clone();
                leptos::task::spawn_local(async move {
                    let url = format!("/attachments?item={item}&field={field_key}");
                    match upload(&url, &file).await {
                        Ok(uploaded) => {
                            token.set(uploaded.token.clone());
                            on_value.run(uploaded.token.clone());
                            chosen.set(Some(uploaded));
                        }
                        Err(message) => {
                            problem.set(Some(message));
                            input.set_value("");
                        }
                    }
                    busy.set(false);
                    on_blur.run(());
                });
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = (ev, item, &field_key);
        }
    };
    let remove = move |_| {
        token.set(String::new());
        chosen.set(None);
        on_value.run(String::new());
    };
    let status_id = format!("{id}-status");
    view! {
        <div class="file-input">
            <input
                id=id.clone()
                type="file"
                accept=files::accept_attribute(&accept)
                disabled=move || preview || busy.get()
                aria-invalid=move || invalid.get().then_some("true")
                aria-describedby=move || {
                    let mut ids = vec![status_id.clone()];
                    ids.extend(described_by.get());
                    ids.join(" ")
                }
                on:change=on_change
                on:blur=move |_| on_blur.run(())
            />
            <input type="hidden" id=format!("{id}-token") name=name prop:value=move || token.get()/>
            <p class="help" id=format!("{id}-status") role="status">
                {move || {
                    if preview {
                        format!("{hint} Files are uploaded on the live form, not in the preview.")
                    } else if busy.get() {
                        "Uploading…".to_owned()
                    } else if let Some(file) = chosen.get() {
                        format!("Attached: {} ({})", file.name, files::human_size(file.size))
                    } else {
                        hint.clone()
                    }
                }}
            </p>
            <noscript><p class="help">"Attaching a file needs JavaScript."</p></noscript>
            {move || chosen.get().map(|file| view! {
                <button type="button" class="button small subtle" on:click=remove
                    aria-label=format!("Remove the file {}", file.name)>"Remove file"</button>
            })}
            {move || problem.get().map(|message| view! { <p class="field-error" role="alert">{message}</p> })}
        </div>
    }
}

/// An attachment field of the order page, which the server renders: the file input is an
/// island of its own. The upload's token goes into the form's hidden input at once, with a
/// `change` event for the form's rules island.
#[island(lazy)]
pub fn FileInputIsland(
    id: String,
    name: String,
    field_key: String,
    accept: Vec<FileKind>,
    max_size_mb: Option<u32>,
    initial: String,
    invalid: bool,
    described_by: Option<String>,
    /// The item being ordered (its slug), whose field the upload is checked against.
    item: String,
) -> impl IntoView {
    provide_context(UploadTarget(item));
    crate::ui::island::hydrated();
    let token_id = format!("{id}-token");
    let on_value = Callback::new(move |token: String| {
        #[cfg(feature = "hydrate")]
        {
            use leptos::wasm_bindgen::JsCast;
            let hidden = document()
                .get_element_by_id(&token_id)
                .and_then(|e| e.dyn_into::<leptos::web_sys::HtmlInputElement>().ok());
            if let Some(hidden) = hidden {
                hidden.set_value(&token);
                crate::ui::island::announce_change(&hidden);
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&token_id, token);
    });
    view! {
        <FileInput
            id
            name
            field_key
            accept
            max_size_mb
            initial
            invalid=Signal::derive(move || invalid)
            described_by=Signal::derive(move || described_by.clone())
            on_value
            on_blur=Callback::new(|()| {})
        />
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
/// comes back in words.
#[cfg(feature = "hydrate")]
pub(crate) async fn upload(
    url: &str,
    file: &leptos::web_sys::File,
) -> Result<UploadedFile, String> {
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
    if response.ok() {
        response
            .json::<UploadedFile>()
            .await
            .map_err(|e| failed(&e))
    } else {
        let body: serde_json::Value = response.json().await.map_err(|e| failed(&e))?;
        Err(body["error"]
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| failed(&response.status())))
    }
}
