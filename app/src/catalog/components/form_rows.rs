//! (hydrate) Adding and removing a repeating group's rows on the order page the server
//! rendered: a new row is a copy of the group's blank row (`form_fields::BLANK_ROW`).

use super::form_fields::BLANK_ROW;
use super::form_markup::{all, attr_number, set_hidden};
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{Element, HtmlButtonElement, HtmlTemplateElement};

/// Adds a row to a group: a copy of its blank row, numbered after the last.
pub(super) fn add_row(group: &Element) {
    let rows = all(group, ":scope > fieldset.group-row");
    let max: usize = attr_number(group, "data-max-rows").unwrap_or(usize::MAX);
    if rows.len() >= max {
        return;
    }
    let next = rows
        .iter()
        .filter_map(|r| r.get_attribute("data-row")?.parse::<u32>().ok())
        .max()
        .map_or(0, |n| n + 1);
    let Some(blank) = group
        .query_selector(":scope > template[data-blank-row]")
        .ok()
        .flatten()
        .and_then(|t| t.dyn_into::<HtmlTemplateElement>().ok())
    else {
        return;
    };
    let Some(key) = group.get_attribute("data-field") else {
        return;
    };
    // The blank row's keys are `group.ROW.sub`; its ids and names are made of them.
    let html = blank
        .inner_html()
        .replace(&format!("{key}.{BLANK_ROW}."), &format!("{key}.{next}."));
    let html = html.replace(
        &format!("data-row=\"{BLANK_ROW}\""),
        &format!("data-row=\"{next}\""),
    );
    let Ok(holder) = document().create_element("template") else {
        return;
    };
    holder.set_inner_html(&html);
    let Some(row) = holder
        .dyn_ref::<HtmlTemplateElement>()
        .and_then(|t| t.content().first_element_child())
    else {
        return;
    };
    let _ = blank.before_with_node_1(&row);
    // A person field in the row is an island: bring it to life as the page's were.
    for island in all(&row, "leptos-island") {
        if let Some(name) = island.get_attribute("data-component") {
            let _ = hydrate_island(&island, &name);
        }
    }
    number_rows(group);
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// Leptos's island loader (its `island_script.js`), kept on `window` for islands that
    /// arrive after the page: it finds the island's code by name and hydrates the element.
    #[wasm_bindgen(js_namespace = window, js_name = __hydrateIsland, catch)]
    fn hydrate_island(
        element: &Element,
        name: &str,
    ) -> Result<wasm_bindgen::JsValue, wasm_bindgen::JsValue>;
}

/// Numbers a group's rows by position (1, 2, 3 as rows come and go), offers removing a row
/// while more than one is left, and adding one while there is room.
pub(super) fn number_rows(group: &Element) {
    let label = group.get_attribute("data-label").unwrap_or_default();
    let rows = all(group, ":scope > fieldset.group-row");
    let max: usize = attr_number(group, "data-max-rows").unwrap_or(usize::MAX);
    for (index, row) in rows.iter().enumerate() {
        let position = index + 1;
        if let Some(legend) = row.query_selector(":scope > legend").ok().flatten() {
            legend.set_text_content(Some(&format!("{label} {position}")));
        }
        if let Some(remove) = row
            .query_selector(":scope > button[data-remove-row]")
            .ok()
            .flatten()
        {
            set_hidden(&remove, rows.len() <= 1);
            let _ =
                remove.set_attribute("aria-label", &format!("Remove row {position} of {label}"));
        }
    }
    if let Some(add) = group
        .query_selector(":scope > button[data-add-row]")
        .ok()
        .flatten()
        .and_then(|b| b.dyn_into::<HtmlButtonElement>().ok())
    {
        add.set_disabled(rows.len() >= max);
    }
}
