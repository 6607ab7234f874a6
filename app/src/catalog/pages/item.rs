//! A catalog item's page: what it is, and the form to order it.

use crate::catalog::api::get_item;
use crate::catalog::components::order_form::OrderForm;
use crate::ui::error_view::ErrorView;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ItemPage() -> impl IntoView {
    let params = use_params_map();
    let item = Resource::new(
        move || params.read().get("slug").unwrap_or_default(),
        get_item,
    );
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match item.await {
                    Ok(item) => view! {
                        <Title text=item.name.clone()/>
                        <nav class="breadcrumbs" aria-label="Breadcrumb">
                            <a href="/">"Catalog"</a>
                            " › "
                            <span>{format!("{} · {}", item.department, item.category)}</span>
                        </nav>
                        <div class="item-layout">
                            <article class="item-about">
                                <p class="item-icon large" aria-hidden="true">{item.icon.clone()}</p>
                                <h1>{item.name.clone()}</h1>
                                <p class="lead">{item.short_description.clone()}</p>
                                <p>{item.description.clone()}</p>
                                <p class="muted">
                                    {match item.expected_days {
                                        0 => "Usually delivered the same business day.".to_owned(),
                                        1 => "Usually delivered in 1 business day.".to_owned(),
                                        n => format!("Usually delivered in {n} business days."),
                                    }}
                                </p>
                            </article>
                            <section class="item-order" aria-labelledby="order-heading">
                                <h2 id="order-heading">"Request it"</h2>
                                <OrderForm item/>
                            </section>
                        </div>
                    }
                        .into_any(),
                    Err(error) => view! { <ErrorView error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
