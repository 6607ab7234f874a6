//! The notification centre (`/notifications`).

use super::api::{list_notifications, MarkNotificationsRead, SetMailPreference};
use super::model::MailPreference;
use crate::ui::error_view::{ErrorView, InlineError};
use crate::ui::time;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let mark = ServerAction::<MarkNotificationsRead>::new();
    let prefer = ServerAction::<SetMailPreference>::new();
    let inbox = Resource::new(
        move || (mark.version().get(), prefer.version().get()),
        |_| list_notifications(),
    );
    view! {
        <Title text="Notifications"/>
        <div class="page-head">
            <h1>"Notifications"</h1>
            <ActionForm action=mark attr:class="inline-form">
                <button type="submit" class="button">"Mark all read"</button>
            </ActionForm>
        </div>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match inbox.await {
                    Ok(inbox) => {
                        let choices = inbox.choices.clone();
                        view! {
                            <p class="muted">{match inbox.unread {
                                0 => "Nothing unread.".to_owned(),
                                1 => "1 unread.".to_owned(),
                                n => format!("{n} unread."),
                            }}</p>
                            {if inbox.items.is_empty() {
                                view! { <p class="muted">"No notifications yet. You hear here when something needs you or changes on your requests."</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="notification-list">
                                        {inbox.items.into_iter().map(|n| view! {
                                            <li class="panel notification" class:unread=!n.read>
                                                <p class="notification-title">
                                                    // Opening it marks it read, then goes where it points.
                                                    {match n.link.is_some() {
                                                        true => view! { <a href=format!("/notifications/{}/open", n.id)>{n.title.clone()}</a> }.into_any(),
                                                        false => n.title.clone().into_any(),
                                                    }}
                                                </p>
                                                {(!n.body.is_empty()).then(|| view! { <p class="notification-body">{n.body.clone()}</p> })}
                                                <div class="notification-meta small muted">
                                                    <time datetime=n.at.clone()>{time::short(&n.at)}</time>
                                                    {(!n.read).then(|| view! {
                                                        <ActionForm action=mark attr:class="inline-form">
                                                            <input type="hidden" name="id" value=n.id.to_string()/>
                                                            <button type="submit" class="link-button" aria-label=format!("Mark “{}” read", n.title)>"Mark read"</button>
                                                        </ActionForm>
                                                    })}
                                                </div>
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                            <section class="panel" aria-labelledby="mail-heading">
                                <h2 id="mail-heading">"Email"</h2>
                                <p class="muted">"Everything is always here; choose what also reaches your inbox, and when."</p>
                                <ActionForm action=prefer attr:class="stack mail-choices">
                                    <div class="editor-grid">
                                        {choices.into_iter().map(|(kind, chosen)| {
                                            let id = format!("mail-{}", kind.as_str());
                                            view! {
                                                <label for=id.clone()>{kind.label()}</label>
                                                <select id=id name=format!("choices[{}]", kind.as_str())>
                                                    {MailPreference::ALL.into_iter().map(|p| view! {
                                                        <option value=p.as_str() selected=p == chosen>{p.label()}</option>
                                                    }).collect_view()}
                                                </select>
                                            }
                                        }).collect_view()}
                                    </div>
                                    {move || prefer.value().get().and_then(Result::err).map(|error| view! { <InlineError error/> })}
                                    <div><button type="submit" class="button">"Save"</button></div>
                                </ActionForm>
                            </section>
                        }.into_any()
                    }
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
