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
                            <div class="clock-bar" role="progressbar" aria-label=label
                                aria-valuemin="0" aria-valuemax="100" aria-valuenow=clock.percent.to_string()>
                                <span style=format!("width: {}%", clock.percent)></span>
                            </div>
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
