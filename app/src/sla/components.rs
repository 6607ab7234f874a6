//! Service levels on pages: a request's clocks explained, and the badge lists show.

use super::model::{ClockView, SlaBadge};
use crate::ui::time;
use leptos::prelude::*;

/// Each clock of a request: its state, a bar of the target used, when it is due, and why it
/// shows what it shows (open when it breached).
#[component]
pub fn ClocksPanel(clocks: Vec<ClockView>) -> impl IntoView {
    view! {
        <section aria-labelledby="clocks-heading" class="panel clocks">
            <h2 id="clocks-heading">"Service levels"</h2>
            {clocks
                .into_iter()
                .map(|clock| {
                    let breached = clock.state == "breached";
                    let label = format!("{}: {}% of the target used", clock.name, clock.percent);
                    view! {
                        <div class=format!("clock clock-{}", clock.state)>
                            <h3>
                                {clock.name.clone()}
                                " "
                                <span class=format!("sla-badge sla-{}", clock.state)>{clock.state_label.clone()}</span>
                            </h3>
                            <p class="clock-summary">{clock.summary.clone()}" · "{clock.target.clone()}</p>
                            // A native bar: no inline style (the content security policy allows none).
                            <progress class="clock-bar" max="100" value=clock.percent.to_string() aria-label=label>
                                {format!("{}%", clock.percent)}
                            </progress>
                            <details class="clock-story" open=breached>
                                <summary>{format!("Why the {} clock shows this", clock.name.to_lowercase())}</summary>
                                <ol>
                                    {clock.story.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
                                </ol>
                            </details>
                        </div>
                    }
                })
                .collect_view()}
        </section>
    }
}

/// A list's SLA badge: "Due in 3 h", "At risk · due in 40 min", "Breached"; the due time in
/// the reader's zone on hover.
#[component]
pub fn SlaBadgeView(badge: Option<SlaBadge>) -> impl IntoView {
    badge.map(|badge| {
        let title = badge
            .due
            .as_deref()
            .map(|due| format!("Due {}", time::short(due)));
        view! {
            <span class=format!("sla-badge sla-{}", badge.state) title=title>{badge.text}</span>
        }
    })
}

/// The item's service levels in the designer: a plain form (no code in the browser), saved into
/// the draft and checked as the rest of the definition is.
#[component]
pub fn ItemServiceLevels(slug: String) -> impl IntoView {
    use super::api::{get_item_sla, SaveItemSla};
    use crate::ui::error_view::{ErrorView, InlineError};
    let save = ServerAction::<SaveItemSla>::new();
    let loaded = Resource::new(
        move || (slug.clone(), save.version().get()),
        |(slug, _)| get_item_sla(slug),
    );
    let error = move || save.value().get().and_then(Result::err);
    view! {
        <section class="panel item-sla" aria-labelledby="sla-heading">
            <h2 id="sla-heading">"Service levels"</h2>
            <p class="muted small">"Targets for the first response and for resolution. Saved into the draft (save your form changes first); they apply to requests made after you publish."</p>
            {move || error().map(|error| view! { <InlineError error/> })}
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match loaded.await {
                        Err(error) => view! { <ErrorView error/> }.into_any(),
                        Ok(view) => view! { <SlaFormFields view save/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn SlaFormFields(
    view: super::model::SlaFormView,
    save: ServerAction<super::api::SaveItemSla>,
) -> impl IntoView {
    let f = view.fields;
    let check = |name: &'static str, label: &'static str, set: bool| {
        let id = format!("sla-{name}");
        let for_id = id.clone();
        view! {
            <label class="checkbox-label" for=for_id>
                <input id=id type="checkbox" name=format!("sla[{name}]") checked=set/>
                {label}
            </label>
        }
    };
    let text = |name: &'static str, label: &'static str, value: String, hint: &'static str| {
        let id = format!("sla-{name}");
        let for_id = id.clone();
        view! {
            <label for=for_id>{label}</label>
            <input id=id name=format!("sla[{name}]") type="text" value=value placeholder=hint/>
        }
    };
    let calendar = f.calendar.clone();
    let team = f.reassign_team.clone();
    view! {
        <ActionForm action=save attr:class="stack sla-form">
            <input type="hidden" name="sla[slug]" value=f.slug.clone()/>
            {check("enabled", "This item has service levels", f.enabled.is_some())}
            <label for="sla-calendar">"Calendar"</label>
            <select id="sla-calendar" name="sla[calendar]">
                <option value="" selected=calendar.is_empty()>"The department's default"</option>
                {view.calendars.into_iter().map(|(slug, name)| {
                    let selected = slug == calendar;
                    view! { <option value=slug selected=selected>{name}</option> }
                }).collect_view()}
            </select>
            <label for="sla-count">"Count"</label>
            <select id="sla-count" name="sla[count]">
                <option value="business" selected=f.count != "always">"Working hours on the calendar"</option>
                <option value="always" selected=f.count == "always">"Round the clock"</option>
            </select>
            {text("response", "First response within (hours)", f.response.clone(), "e.g. 4")}
            {text("response_by_priority", "First response by priority", f.response_by_priority.clone(), "e.g. critical 0.5, high 1")}
            {text("resolution", "Resolution within (hours)", f.resolution.clone(), "e.g. 16")}
            {text("resolution_by_priority", "Resolution by priority", f.resolution_by_priority.clone(), "e.g. critical 4, high 8")}
            {text("warn_at", "Warn at (% of the target)", f.warn_at.clone(), "e.g. 50, 75")}
            <fieldset>
                <legend>"On a breach"</legend>
                {check("notify_owner", "Tell the owner (the team while nobody owns it)", f.notify_owner.is_some())}
                {check("notify_team", "Tell the whole team", f.notify_team.is_some())}
                {check("notify_admins", "Tell the department's admins", f.notify_admins.is_some())}
                {text("notify_people", "Also tell (emails)", f.notify_people.clone(), "e.g. duty.manager@example.org")}
                <label for="sla-reassign">"Hand it to team"</label>
                <select id="sla-reassign" name="sla[reassign_team]">
                    <option value="" selected=team.is_empty()>"Nobody: it stays where it is"</option>
                    {view.teams.into_iter().map(|(slug, name)| {
                        let selected = slug == team;
                        view! { <option value=slug selected=selected>{name}</option> }
                    }).collect_view()}
                </select>
                {check("raise_priority", "Raise its priority one step", f.raise_priority.is_some())}
            </fieldset>
            <div class="button-row">
                <button type="submit" class="button">"Save service levels"</button>
            </div>
        </ActionForm>
    }
}
