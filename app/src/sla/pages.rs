//! The department admin's business calendars: working hours per weekday, holidays, and the
//! time a change applies from. Every save is a new version; open requests' due times follow.

use super::api::{list_calendars, ChangeCalendar};
use super::model::CalendarView;
use crate::domain::calendar_text::WEEKDAYS;
use crate::ui::error_view::{ErrorView, InlineError};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn CalendarsPage() -> impl IntoView {
    let change = ServerAction::<ChangeCalendar>::new();
    let loaded = Resource::new(move || change.version().get(), |_| list_calendars());
    let error = move || change.value().get().and_then(Result::err);
    view! {
        <Title text="Business calendars"/>
        <div class="page-head">
            <h1>"Business calendars"</h1>
            <p class="muted">"When your department works. Service-level clocks count working hours on these calendars; a change applies from the time you give, and open requests' due times follow it."</p>
        </div>
        {move || error().map(|error| view! { <InlineError error/> })}
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match loaded.await {
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                    Ok(found) if found.calendars.is_empty() => view! {
                        <p class="empty">"Your departments have no calendars: their clocks count round the clock."</p>
                    }.into_any(),
                    Ok(found) => found
                        .calendars
                        .into_iter()
                        .map(|calendar| view! { <CalendarEditor calendar change/> })
                        .collect_view()
                        .into_any(),
                }
            })}
        </Suspense>
    }
}

/// One calendar's latest version, changed from a time on.
#[component]
fn CalendarEditor(calendar: CalendarView, change: ServerAction<ChangeCalendar>) -> impl IntoView {
    let id = calendar.id;
    let field = move |part: &str| format!("calendar-{id}-{part}");
    let title = format!(
        "{} · {}{}",
        calendar.name,
        calendar.department,
        if calendar.is_default {
            " (default)"
        } else {
            ""
        }
    );
    let days = WEEKDAYS
        .iter()
        .zip(calendar.week.clone())
        .map(|(day, hours)| {
            let key = day.to_lowercase();
            view! {
                <label for=field(&key)>{*day}</label>
                <input id=field(&key) name=format!("calendar[{key}]") type="text" value=hours
                    placeholder="Closed" aria-describedby=field("hours-help")/>
            }
        })
        .collect_view();
    view! {
        <article class="panel calendar-card" aria-label=calendar.name.clone()>
            <h2>{title}</h2>
            <p class="muted small">
                {format!("{} open requests count on it.", calendar.open_requests)}
                {calendar.recomputing.then_some(" Their due times are being recomputed.")}
            </p>
            <ActionForm action=change attr:class="stack calendar-form">
                <input type="hidden" name="calendar[id]" value=id.to_string()/>
                <label for=field("zone")>"Time zone"</label>
                <input id=field("zone") name="calendar[zone]" type="text" required value=calendar.zone.clone()
                    placeholder="Europe/Berlin"/>
                <fieldset class="week-hours">
                    <legend>"Working hours"</legend>
                    <p id=field("hours-help") class="muted small">"Like 08:00–12:00, 13:00–18:00; empty for a day off."</p>
                    <div class="hours-grid">{days}</div>
                </fieldset>
                <label for=field("holidays")>"Holidays"</label>
                <textarea id=field("holidays") name="calendar[holidays]" rows="6" aria-describedby=field("holidays-help")>
                    {calendar.holidays.clone()}
                </textarea>
                <p id=field("holidays-help") class="muted small">"One per line: 2026-12-25 Christmas Day, with (yearly) at the end for the same day every year."</p>
                <label for=field("from")>"Applies from (empty: now)"</label>
                <input id=field("from") name="calendar[effective_from]" type="datetime-local"/>
                <div class="button-row">
                    <button type="submit" class="button primary">"Save calendar"</button>
                </div>
            </ActionForm>
            <details>
                <summary>{format!("Versions ({})", calendar.versions.len())}</summary>
                <ul>{calendar.versions.into_iter().map(|v| view! { <li>{v}</li> }).collect_view()}</ul>
            </details>
        </article>
    }
}
