//! The home page: every department's catalog, with search.

use crate::catalog::api::list_catalog;
use crate::catalog::model::{CatalogView, ItemCard, SearchHit};
use crate::requests::model::{MyRequestLine, MyWork};
use crate::ui::badges::StateBadge;
use crate::ui::error_view::ErrorView;
use crate::ui::time;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use std::sync::Arc;

#[component]
pub fn HomePage() -> impl IntoView {
    let query = use_query_map();
    let initial = query.read_untracked().get("q").unwrap_or_default();
    let searching = !initial.trim().is_empty();
    // A server component: the search is a plain GET form (?q=…), answered by the server, so
    // the catalog page sends no code to the browser. One resource for the page's two reads (the
    // person's work, not while searching, and the catalog), so one boundary to wait on.
    let page = Resource::new(
        || (),
        move |_| async move {
            let work = if searching {
                None
            } else {
                crate::requests::api::get_my_work().await.ok()
            };
            (work, list_catalog().await)
        },
    );
    let search_form = {
        let initial = initial.clone();
        move || {
            view! {
                <section class="hero">
                    <h1>"What do you need?"</h1>
                    <form method="get" action="/" role="search" class="search-form">
                        <label for="catalog-search" class="visually-hidden">"Search the catalog"</label>
                        <input
                            id="catalog-search"
                            name="q"
                            type="search"
                            placeholder="Search every department: laptop, leave, parking…"
                            value=initial.clone()
                            autocomplete="off"
                        />
                        <button type="submit" class="button">"Search"</button>
                    </form>
                </section>
            }
        }
    };
    view! {
        <Title text="Service catalog"/>
        <Suspense fallback=|| view! { <p class="muted">"Loading the catalog…"</p> }>
            {move || {
                let q = initial.clone();
                let search_form = search_form.clone();
                Suspend::new(async move {
                let (work, catalog) = page.await;
                let catalog = match catalog {
                    Ok(catalog) => {
                        let catalog = Arc::new(catalog);
                        if q.trim().is_empty() {
                            view! { <CatalogGroups catalog/> }.into_any()
                        } else {
                            let hits = catalog.search(&q);
                            let general = catalog.general.clone();
                            view! { <SearchResults query=q hits general/> }.into_any()
                        }
                    }
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                };
                view! {
                    {work.map(|work| view! { <MyWorkView work/> })}
                    {search_form()}
                    {catalog}
                }
                })
            }}
        </Suspense>
    }
}

#[component]
fn CatalogGroups(catalog: Arc<CatalogView>) -> impl IntoView {
    catalog
        .departments
        .iter()
        .map(|department| {
            let heading_id = format!("dept-{}", department.slug);
            let labelled_by = heading_id.clone();
            view! {
                <section class="department" aria-labelledby=labelled_by>
                    <h2 id=heading_id>{department.name.clone()}</h2>
                    <p class="muted">{department.description.clone()}</p>
                    {department
                        .categories
                        .iter()
                        .map(|category| {
                            view! {
                                <h3 class="category-name">{category.name.clone()}</h3>
                                <ul class="item-grid">
                                    {category
                                        .items
                                        .iter()
                                        .map(|item| view! { <li><ItemCardView item=item.clone()/></li> })
                                        .collect_view()}
                                </ul>
                            }
                        })
                        .collect_view()}
                </section>
            }
        })
        .collect_view()
}

#[component]
fn SearchResults(
    query: String,
    hits: Vec<SearchHit>,
    /// Each department's "Something else", offered when nothing matches.
    general: Vec<(String, ItemCard)>,
) -> impl IntoView {
    let count = hits.len();
    view! {
        <section class="search-results" aria-live="polite">
            <h2>
                {match count {
                    0 => format!("Nothing matches “{query}”"),
                    1 => format!("1 item matches “{query}”"),
                    n => format!("{n} items match “{query}”"),
                }}
            </h2>
            {(count == 0).then(|| view! {
                <p class="muted">"Try a shorter or different word, or browse the catalog below."</p>
                {(!general.is_empty()).then(|| view! {
                    <section class="something-else" aria-labelledby="something-else-heading">
                        <h3 id="something-else-heading">"Not in the catalog? Ask a department directly"</h3>
                        <ul class="item-grid">
                            {general.into_iter().map(|(department, item)| view! {
                                <li>
                                    <ItemCardView item/>
                                    <p class="card-origin">{department}</p>
                                </li>
                            }).collect_view()}
                        </ul>
                    </section>
                })}
                <p><a href="/">"Show the whole catalog"</a></p>
            })}
            <ul class="item-grid">
                {hits
                    .into_iter()
                    .map(|hit| view! {
                        <li>
                            <ItemCardView item=hit.item/>
                            <p class="card-origin">{format!("{} · {}", hit.department, hit.category)}</p>
                        </li>
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn ItemCardView(item: ItemCard) -> impl IntoView {
    let delivery = match item.expected_days {
        0 => "Same day".to_owned(),
        1 => "About 1 day".to_owned(),
        n => format!("About {n} days"),
    };
    view! {
        <a class="item-card" href=format!("/catalog/{}", item.slug)>
            <span class="item-icon" aria-hidden="true">{item.icon}</span>
            <span class="item-name">{item.name}</span>
            <span class="item-desc">{item.short_description}</span>
            <span class="item-eta">{delivery}</span>
        </a>
    }
}

/// The top of the home page: what waits on the person, and their open requests.
#[component]
fn MyWorkView(work: MyWork) -> impl IntoView {
    if !work.needs_action() && work.open.is_empty() {
        return ().into_any();
    }
    let needs = work.needs_action();
    let approvals = work.approvals_waiting;
    view! {
        <div class="my-work">
            {needs.then(|| view! {
                <section class="panel needs-action" aria-labelledby="needs-heading">
                    <h2 id="needs-heading">"Needs your action"</h2>
                    <ul class="work-list">
                        {work.waiting_on_me.iter().cloned().map(|line| view! {
                            <li>
                                <span class="work-kind">"Answer"</span>
                                <WorkLink line/>
                            </li>
                        }).collect_view()}
                        {(approvals > 0).then(|| view! {
                            <li>
                                <span class="work-kind">"Decide"</span>
                                <a href="/approvals">
                                    {if approvals == 1 {
                                        "1 approval waits for you".to_owned()
                                    } else {
                                        format!("{approvals} approvals wait for you")
                                    }}
                                </a>
                            </li>
                        })}
                        {work.to_rate.iter().cloned().map(|line| view! {
                            <li>
                                <span class="work-kind">"Rate"</span>
                                <WorkLink line/>
                            </li>
                        }).collect_view()}
                    </ul>
                </section>
            })}
            {(!work.open.is_empty()).then(|| view! {
                <section class="panel" aria-labelledby="open-heading">
                    <h2 id="open-heading">"Your open requests"</h2>
                    <ul class="work-list">
                        {work.open.iter().cloned().map(|line| view! {
                            <li>
                                <StateBadge state=line.state/>
                                <WorkLink line/>
                            </li>
                        }).collect_view()}
                    </ul>
                    {work.more_open.then(|| view! {
                        <p class="small"><a href="/my-requests?state=active">"All your open requests →"</a></p>
                    })}
                </section>
            })}
        </div>
    }
    .into_any()
}

#[component]
fn WorkLink(line: MyRequestLine) -> impl IntoView {
    let number = line.id.to_string();
    view! {
        <a href=format!("/requests/{number}")>{format!("{number} {}", line.title)}</a>
        <span class="muted small">
            " · updated "
            <time datetime=line.updated_at.clone()>{time::short(&line.updated_at)}</time>
        </span>
    }
}
