//! A small line chart drawn on the server as SVG (no code in the browser), with its numbers
//! in a table behind a toggle for those who do not read charts.

use crate::metrics::model::Trend;
use leptos::prelude::*;

const W: f64 = 320.0;
const H: f64 = 120.0;
const PAD: f64 = 6.0;

/// The polylines of a series (a gap where a week has no value), scaled to the chart.
fn lines(values: &[Option<f64>], top: f64) -> Vec<String> {
    let step = if values.len() > 1 {
        (W - 2.0 * PAD) / (values.len() - 1) as f64
    } else {
        0.0
    };
    let mut out = Vec::new();
    let mut current = Vec::new();
    for (n, value) in values.iter().enumerate() {
        match value {
            Some(v) => {
                let x = PAD + step * n as f64;
                let y = H - PAD - (v / top).clamp(0.0, 1.0) * (H - 2.0 * PAD);
                current.push(format!("{x:.1},{y:.1}"));
            }
            None if !current.is_empty() => out.push(std::mem::take(&mut current).join(" ")),
            None => {}
        }
    }
    if !current.is_empty() {
        out.push(current.join(" "));
    }
    out
}

fn number(v: f64) -> String {
    if v.fract().abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

#[component]
pub fn TrendChart(trend: Trend) -> impl IntoView {
    let values: Vec<Option<f64>> = trend.points.iter().map(|p| p.value).collect();
    let top = values
        .iter()
        .flatten()
        .fold(0.0f64, |a, b| a.max(*b))
        .max(1.0);
    let latest = values.iter().rev().flatten().next().copied();
    let summary = match latest {
        Some(v) => format!(
            "{}: {} {} in the latest week; highest {} over the last 52 weeks.",
            trend.name,
            number(v),
            trend.unit,
            number(top)
        ),
        None => format!("{}: nothing to show yet.", trend.name),
    };
    let first = trend
        .points
        .first()
        .map(|p| p.week.clone())
        .unwrap_or_default();
    let last = trend
        .points
        .last()
        .map(|p| p.week.clone())
        .unwrap_or_default();
    view! {
        <figure class="trend">
            <figcaption>{trend.name.clone()}</figcaption>
            <svg viewBox=format!("0 0 {W} {H}") role="img" aria-label=summary.clone() preserveAspectRatio="none">
                <line x1=PAD y1=H - PAD x2=W - PAD y2=H - PAD class="axis"/>
                {lines(&values, top).into_iter().map(|points| view! { <polyline points=points class="series"/> }).collect_view()}
            </svg>
            <p class="trend-scale muted small">
                <span>{first}</span>
                <span>{format!("top {} {}", number(top), trend.unit)}</span>
                <span>{last}</span>
            </p>
            <details>
                <summary>{format!("{}: the numbers", trend.name)}</summary>
                <table class="data-table">
                    <thead><tr><th scope="col">"Week of"</th><th scope="col">{trend.unit.clone()}</th></tr></thead>
                    <tbody>
                        {trend.points.into_iter().map(|p| view! {
                            <tr><td>{p.week}</td><td>{p.value.map(number).unwrap_or_else(|| "—".into())}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </details>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn gaps_split_the_line() {
        let lines = super::lines(&[Some(1.0), None, Some(2.0), Some(0.0)], 2.0);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0], "6.0,60.0");
        assert!(lines[1].ends_with("314.0,114.0"));
    }
}
