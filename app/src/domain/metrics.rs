//! Leadership metrics as maintained aggregates: each request contributes counts to daily
//! buckets (per department × team × item × priority), and the dashboard adds buckets up.
//!
//! A request's contribution is a pure function of what is known about it now ([`Facts`]): the
//! day it was opened, the day it was resolved and how long that took, its clocks' outcomes on
//! the days they stopped, and so on. Every change to a request moves the buckets by
//! `contribution(after) − contribution(before)`, so the buckets always equal the sum of every
//! request's contribution — exactly what `atrium rebuild-metrics` computes from scratch.
//!
//! Times to resolve and respond are kept as histograms with fixed bins (a quarter of an hour
//! up to two months, doubling): bins add up across days, departments and items, so medians and
//! 90th percentiles come from any slice without reading a request; the price is that a
//! percentile is known to within its bin (read by linear interpolation inside it).

use super::state::RequestState;
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::BTreeMap;

/// Upper bounds of the histogram bins, in minutes; a last bin holds everything longer.
pub const BIN_BOUNDS: [i64; 15] = [
    15, 30, 60, 120, 240, 480, 960, 1_440, 2_880, 4_320, 7_200, 10_080, 20_160, 43_200, 86_400,
];
/// Bins per histogram.
pub const BINS: usize = BIN_BOUNDS.len() + 1;

/// The counters of a bucket, by position (see [`COLUMNS`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(usize)]
pub enum M {
    /// Requests opened that day.
    Opened,
    /// Requests resolved that day (and not reopened since).
    Resolved,
    /// Requests rejected or cancelled that day.
    Cancelled,
    /// Of the requests opened that day, those open now (the backlog's age).
    StillOpen,
    /// Of those resolved that day: reopened at least once before.
    Reopened,
    /// Of those resolved that day: the owner or team changed after it first had an owner.
    Reassigned,
    /// Of those resolved that day: never reassigned, and worked by one person at most.
    FirstContact,
    /// Of those resolved that day: rated by the requester, and the ratings' sum.
    Rated,
    RatingSum,
    /// Of those resolved that day: minutes from opening to resolution (calendar), summed.
    ResolveMinutes,
    /// Of those resolved that day with a resolution clock: its business minutes, and how many.
    ResolveBusinessCount,
    ResolveBusinessMinutes,
    /// First responses given that day (the response clock stopped): how many, business minutes.
    ResponseCount,
    ResponseMinutes,
    /// SLA clocks that stopped that day within their target, and past it.
    SlaMet,
    SlaBreached,
    /// Approvals that ended that day (the request left "awaiting approval"), and their minutes.
    Approvals,
    ApprovalMinutes,
}

/// Plain counters before the histograms.
pub const COUNTERS: usize = M::ApprovalMinutes as usize + 1;
/// Where each histogram starts: resolution (calendar), resolution (business), first response.
pub const RESOLVE_HIST: usize = COUNTERS;
pub const BUSINESS_HIST: usize = COUNTERS + BINS;
pub const RESPONSE_HIST: usize = COUNTERS + 2 * BINS;
/// Every column of a bucket.
pub const WIDTH: usize = COUNTERS + 3 * BINS;

/// The bucket's column names, in order (the table's columns).
pub fn columns() -> Vec<String> {
    let named = [
        "opened",
        "resolved",
        "cancelled",
        "still_open",
        "reopened",
        "reassigned",
        "first_contact",
        "rated",
        "rating_sum",
        "resolve_minutes",
        "resolve_business_count",
        "resolve_business_minutes",
        "response_count",
        "response_minutes",
        "sla_met",
        "sla_breached",
        "approvals",
        "approval_minutes",
    ];
    let mut out: Vec<String> = named.iter().map(|s| (*s).to_owned()).collect();
    for prefix in ["rh", "bh", "fh"] {
        out.extend((0..BINS).map(|n| format!("{prefix}{n}")));
    }
    out
}

/// A bucket's counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Counts(pub [i64; WIDTH]);

impl Default for Counts {
    fn default() -> Self {
        Counts([0; WIDTH])
    }
}

impl Counts {
    pub fn get(&self, m: M) -> i64 {
        self.0[m as usize]
    }

    fn bump(&mut self, m: M, by: i64) {
        self.0[m as usize] += by;
    }

    fn bin(&mut self, hist: usize, minutes: i64) {
        self.0[hist + bin_of(minutes)] += 1;
    }

    /// Adds `other` times `sign` (1 or −1).
    pub fn add(&mut self, other: &Counts, sign: i64) {
        for (a, b) in self.0.iter_mut().zip(other.0.iter()) {
            *a += sign * b;
        }
    }

    pub fn is_zero(&self) -> bool {
        self.0.iter().all(|v| *v == 0)
    }

    /// A histogram's bins.
    pub fn hist(&self, start: usize) -> &[i64] {
        &self.0[start..start + BINS]
    }
}

/// The bin of a duration in minutes.
pub fn bin_of(minutes: i64) -> usize {
    BIN_BOUNDS
        .iter()
        .position(|bound| minutes < *bound)
        .unwrap_or(BIN_BOUNDS.len())
}

/// The `q`-quantile (0.5: median) of a histogram, in minutes, read by linear interpolation
/// inside its bin; `None` when it is empty. The last bin is read as ending at twice its start.
pub fn quantile(hist: &[i64], q: f64) -> Option<f64> {
    let total: i64 = hist.iter().sum();
    if total == 0 {
        return None;
    }
    let rank = q * total as f64;
    let mut seen = 0i64;
    for (n, count) in hist.iter().enumerate() {
        if *count == 0 {
            continue;
        }
        if (seen + count) as f64 >= rank {
            let low = if n == 0 { 0 } else { BIN_BOUNDS[n - 1] } as f64;
            let high = BIN_BOUNDS.get(n).map_or(low * 2.0, |b| *b as f64);
            let within = ((rank - seen as f64) / *count as f64).clamp(0.0, 1.0);
            return Some(low + (high - low) * within);
        }
        seen += count;
    }
    None
}

/// Where a request's counts go, besides the day.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    pub department_id: i64,
    /// 0: no team.
    pub team_id: i64,
    pub item_id: i64,
    pub priority: String,
}

/// What is known about a request now, as its contribution needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facts {
    pub key: Key,
    pub created: DateTime<Utc>,
    pub state: RequestState,
    /// When it was last resolved (for a resolved or closed request).
    pub resolved_at: Option<DateTime<Utc>>,
    /// When it was rejected or cancelled.
    pub cancelled_at: Option<DateTime<Utc>>,
    pub reopens: u32,
    /// Changes of owner or team after it first had an owner.
    pub reassignments: u32,
    /// Different people of the service desk who acted on it.
    pub desk_people: u32,
    pub rating: Option<i16>,
    /// Business minutes of its stopped resolution clock.
    pub resolve_business: Option<i64>,
    /// Its first response: when, and the response clock's business minutes.
    pub response: Option<(DateTime<Utc>, i64)>,
    /// Its stopped SLA clocks, in the order of `ClockKind::ALL` (first response, resolution):
    /// when each stopped and whether it was met.
    pub sla: [Option<(DateTime<Utc>, bool)>; 2],
    /// Its time awaiting approval: when that ended, and minutes.
    pub approval: Option<(DateTime<Utc>, i64)>,
}

fn day(t: DateTime<Utc>) -> NaiveDate {
    t.date_naive()
}

/// The request's contribution: counts per day (all under its [`Key`]).
pub fn contribution(f: &Facts) -> BTreeMap<NaiveDate, Counts> {
    let mut out: BTreeMap<NaiveDate, Counts> = BTreeMap::new();
    let opened = out.entry(day(f.created)).or_default();
    opened.bump(M::Opened, 1);
    let done = matches!(
        f.state,
        RequestState::Resolved
            | RequestState::Closed
            | RequestState::Rejected
            | RequestState::Cancelled
    );
    if !done {
        opened.bump(M::StillOpen, 1);
    }
    if let (true, Some(at)) = (
        matches!(f.state, RequestState::Resolved | RequestState::Closed),
        f.resolved_at,
    ) {
        let c = out.entry(day(at)).or_default();
        let minutes = (at - f.created).num_minutes().max(0);
        c.bump(M::Resolved, 1);
        c.bump(M::ResolveMinutes, minutes);
        c.bin(RESOLVE_HIST, minutes);
        if f.reopens > 0 {
            c.bump(M::Reopened, 1);
        }
        if f.reassignments > 0 {
            c.bump(M::Reassigned, 1);
        } else if f.desk_people <= 1 {
            c.bump(M::FirstContact, 1);
        }
        if let Some(rating) = f.rating {
            c.bump(M::Rated, 1);
            c.bump(M::RatingSum, i64::from(rating));
        }
        if let Some(business) = f.resolve_business {
            c.bump(M::ResolveBusinessCount, 1);
            c.bump(M::ResolveBusinessMinutes, business);
            c.bin(BUSINESS_HIST, business);
        }
    }
    if let (true, Some(at)) = (
        matches!(f.state, RequestState::Rejected | RequestState::Cancelled),
        f.cancelled_at,
    ) {
        out.entry(day(at)).or_default().bump(M::Cancelled, 1);
    }
    if let Some((at, minutes)) = f.response {
        let c = out.entry(day(at)).or_default();
        c.bump(M::ResponseCount, 1);
        c.bump(M::ResponseMinutes, minutes);
        c.bin(RESPONSE_HIST, minutes);
    }
    for (at, met) in f.sla.iter().flatten() {
        out.entry(day(*at))
            .or_default()
            .bump(if *met { M::SlaMet } else { M::SlaBreached }, 1);
    }
    if let Some((at, minutes)) = f.approval {
        let c = out.entry(day(at)).or_default();
        c.bump(M::Approvals, 1);
        c.bump(M::ApprovalMinutes, minutes);
    }
    out
}

/// How the buckets move when a request's facts change from `before` (none: it is new) to
/// `after`: per (key, day), the counts to add (zero moves left out).
pub fn delta(before: Option<&Facts>, after: &Facts) -> BTreeMap<(Key, NaiveDate), Counts> {
    let mut out: BTreeMap<(Key, NaiveDate), Counts> = BTreeMap::new();
    for (day, counts) in contribution(after) {
        out.entry((after.key.clone(), day))
            .or_default()
            .add(&counts, 1);
    }
    if let Some(before) = before {
        for (day, counts) in contribution(before) {
            out.entry((before.key.clone(), day))
                .or_default()
                .add(&counts, -1);
        }
    }
    out.retain(|_, c| !c.is_zero());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::testing::at;
    use proptest::prelude::*;

    fn facts() -> Facts {
        Facts {
            key: Key {
                department_id: 1,
                team_id: 2,
                item_id: 3,
                priority: "medium".into(),
            },
            created: at("2026-12-07T09:00:00Z"),
            state: RequestState::InFulfilment,
            resolved_at: None,
            cancelled_at: None,
            reopens: 0,
            reassignments: 0,
            desk_people: 1,
            rating: None,
            resolve_business: None,
            response: None,
            sla: [None, None],
            approval: None,
        }
    }

    #[test]
    fn a_resolved_request_counts_on_the_days_things_happened() {
        let mut f = facts();
        f.state = RequestState::Closed;
        f.resolved_at = Some(at("2026-12-08T10:30:00Z"));
        f.rating = Some(4);
        f.response = Some((at("2026-12-07T09:20:00Z"), 20));
        f.sla = [
            Some((at("2026-12-07T09:20:00Z"), true)),
            Some((at("2026-12-08T10:30:00Z"), false)),
        ];
        f.resolve_business = Some(600);
        let c = contribution(&f);
        let monday = &c[&NaiveDate::from_ymd_opt(2026, 12, 7).expect("day")];
        let tuesday = &c[&NaiveDate::from_ymd_opt(2026, 12, 8).expect("day")];
        assert_eq!(
            (
                monday.get(M::Opened),
                monday.get(M::StillOpen),
                monday.get(M::SlaMet)
            ),
            (1, 0, 1)
        );
        assert_eq!(monday.hist(RESPONSE_HIST)[bin_of(20)], 1);
        assert_eq!(
            (
                tuesday.get(M::Resolved),
                tuesday.get(M::ResolveMinutes),
                tuesday.get(M::FirstContact),
                tuesday.get(M::RatingSum),
                tuesday.get(M::SlaBreached)
            ),
            (1, 25 * 60 + 30, 1, 4, 1)
        );
    }

    #[test]
    fn quantiles_interpolate_within_their_bin() {
        let mut hist = [0i64; BINS];
        hist[bin_of(45)] = 2; // 30–60 min
        hist[bin_of(100)] = 2; // 60–120 min
        assert_eq!(quantile(&hist, 0.5), Some(60.0));
        assert_eq!(quantile(&hist, 0.25), Some(45.0));
        assert_eq!(quantile(&[0; BINS], 0.5), None);
        assert_eq!(columns().len(), WIDTH);
    }

    fn any_facts() -> impl Strategy<Value = Facts> {
        (
            0usize..9,
            0i64..20,
            0i64..400,
            proptest::option::of(1i16..6),
            0u32..3,
            0u32..3,
            proptest::bool::ANY,
            0i64..3,
        )
            .prop_map(
                |(state, day, minutes, rating, reopens, reassign, met, priority)| {
                    let mut f = facts();
                    f.state = RequestState::ALL[state];
                    f.key.priority = ["low", "medium", "high"][priority as usize].into();
                    let t = f.created
                        + chrono::Duration::days(day)
                        + chrono::Duration::minutes(minutes);
                    f.resolved_at = Some(t);
                    f.cancelled_at = Some(t);
                    f.rating = rating;
                    f.reopens = reopens;
                    f.reassignments = reassign;
                    f.sla = [None, Some((t, met))];
                    f.response = Some((f.created + chrono::Duration::minutes(minutes), minutes));
                    f
                },
            )
    }

    proptest! {
        /// Buckets moved change by change equal the final contribution, whatever the request
        /// went through (its key, state and outcomes changing on the way).
        #[test]
        fn deltas_add_up_to_the_final_contribution(steps in proptest::collection::vec(any_facts(), 1..8)) {
            let mut buckets: BTreeMap<(Key, NaiveDate), Counts> = BTreeMap::new();
            let mut before: Option<Facts> = None;
            for step in &steps {
                for (at, counts) in delta(before.as_ref(), step) {
                    buckets.entry(at).or_default().add(&counts, 1);
                }
                before = Some(step.clone());
            }
            buckets.retain(|_, c| !c.is_zero());
            let last = steps.last().expect("a step");
            let rebuilt: BTreeMap<(Key, NaiveDate), Counts> = contribution(last)
                .into_iter()
                .map(|(day, c)| ((last.key.clone(), day), c))
                .collect();
            prop_assert_eq!(buckets, rebuilt);
        }
    }
}

/// Which buckets a figure adds up: days `from..=to` and, optionally, departments, a team, an
/// item and a priority.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Slice {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// `None`: every department.
    pub departments: Option<Vec<i64>>,
    pub team: Option<i64>,
    /// `None`: every item; else these (one item, or a category's).
    pub items: Option<Vec<i64>>,
    pub priority: Option<String>,
}

/// The dashboard's periods.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    Week,
    Month,
    Quarter,
    Custom,
}

impl Period {
    pub const ALL: [Period; 4] = [Period::Week, Period::Month, Period::Quarter, Period::Custom];

    pub fn as_str(self) -> &'static str {
        match self {
            Period::Week => "week",
            Period::Month => "month",
            Period::Quarter => "quarter",
            Period::Custom => "custom",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Period::Week => "This week",
            Period::Month => "This month",
            Period::Quarter => "This quarter",
            Period::Custom => "Dates",
        }
    }

    pub fn parse(text: Option<&str>) -> Period {
        Period::ALL
            .into_iter()
            .find(|p| Some(p.as_str()) == text)
            .unwrap_or(Period::Month)
    }
}

/// The days a period covers (inclusive) up to `today`, and the period of the same length just
/// before it. A custom period reads `from` and `to` (ISO dates; nonsense falls back to this
/// month); a reversed one is turned round, and one longer than five years is cut.
pub fn period_days(
    period: Period,
    from: Option<&str>,
    to: Option<&str>,
    today: NaiveDate,
) -> ((NaiveDate, NaiveDate), (NaiveDate, NaiveDate)) {
    use chrono::{Datelike, Duration};
    let month_start = today.with_day(1).unwrap_or(today);
    let (start, end) = match period {
        Period::Week => (
            today - Duration::days(i64::from(today.weekday().num_days_from_monday())),
            today,
        ),
        Period::Month => (month_start, today),
        Period::Quarter => {
            let first_month = (today.month0() / 3) * 3 + 1;
            (
                NaiveDate::from_ymd_opt(today.year(), first_month, 1).unwrap_or(month_start),
                today,
            )
        }
        Period::Custom => {
            let read =
                |t: Option<&str>| t.and_then(|t| NaiveDate::parse_from_str(t, "%Y-%m-%d").ok());
            match (read(from), read(to)) {
                (Some(a), Some(b)) => {
                    let (a, b) = if a <= b { (a, b) } else { (b, a) };
                    (a.max(b - Duration::days(5 * 366)), b)
                }
                _ => (month_start, today),
            }
        }
    };
    let length = (end - start).num_days() + 1;
    let previous_end = start - Duration::days(1);
    (
        (start, end),
        (previous_end - Duration::days(length - 1), previous_end),
    )
}

/// How a metric's value reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Count,
    Percent,
    Minutes,
    Rating,
}

/// A dashboard metric computed from added-up buckets.
pub struct Metric {
    pub key: &'static str,
    pub name: &'static str,
    pub formula: &'static str,
    pub unit: Unit,
    /// Whether more is better (`None`: neither, e.g. volume).
    pub more_is_better: Option<bool>,
    pub value: fn(&Counts) -> Option<f64>,
}

fn ratio(a: i64, b: i64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

/// The period metrics, in the dashboard's order (the backlog, which is "now", is apart).
pub const METRICS: [Metric; 13] = [
    Metric {
        key: "opened",
        name: "Opened",
        formula: "Requests submitted in the period (by the day they were submitted, UTC).",
        unit: Unit::Count,
        more_is_better: None,
        value: |c| Some(c.get(M::Opened) as f64),
    },
    Metric {
        key: "resolved",
        name: "Resolved",
        formula: "Requests whose last resolution falls in the period and that are resolved or closed now (a reopened request counts when it is resolved again). Rejected and cancelled requests are not counted.",
        unit: Unit::Count,
        more_is_better: Some(true),
        value: |c| Some(c.get(M::Resolved) as f64),
    },
    Metric {
        key: "resolve_median",
        name: "Median time to resolve",
        formula: "Median of (resolved − submitted), calendar time, over the requests resolved in the period. From histograms with bins doubling from 15 minutes: exact to within its bin.",
        unit: Unit::Minutes,
        more_is_better: Some(false),
        value: |c| quantile(c.hist(RESOLVE_HIST), 0.5),
    },
    Metric {
        key: "resolve_p90",
        name: "90th percentile to resolve",
        formula: "90th percentile of (resolved − submitted), calendar time, over the requests resolved in the period (same histograms).",
        unit: Unit::Minutes,
        more_is_better: Some(false),
        value: |c| quantile(c.hist(RESOLVE_HIST), 0.9),
    },
    Metric {
        key: "resolve_business_median",
        name: "Median to resolve, business hours",
        formula: "Median of the resolution clock's counted time (working hours on the item's calendar, pauses left out), over the requests resolved in the period whose item has a resolution target.",
        unit: Unit::Minutes,
        more_is_better: Some(false),
        value: |c| quantile(c.hist(BUSINESS_HIST), 0.5),
    },
    Metric {
        key: "response_median",
        name: "Median first response",
        formula: "Median of the first-response clock's counted time (until someone working on the request first replied to the requester), over the first responses given in the period.",
        unit: Unit::Minutes,
        more_is_better: Some(false),
        value: |c| quantile(c.hist(RESPONSE_HIST), 0.5),
    },
    Metric {
        key: "sla",
        name: "SLA attained",
        formula: "Met ÷ (met + breached), over the SLA clocks (first response and resolution, each counted) that stopped in the period. A clock still running is not counted yet.",
        unit: Unit::Percent,
        more_is_better: Some(true),
        value: |c| ratio(c.get(M::SlaMet), c.get(M::SlaMet) + c.get(M::SlaBreached)),
    },
    Metric {
        key: "approval",
        name: "Approval cycle",
        formula: "Mean calendar time requests spent awaiting approval, over the approvals that ended (approved or rejected) in the period.",
        unit: Unit::Minutes,
        more_is_better: Some(false),
        value: |c| ratio(c.get(M::ApprovalMinutes), c.get(M::Approvals)),
    },
    Metric {
        key: "reassigned",
        name: "Reassignment rate",
        formula: "Of the requests resolved in the period, the share whose owner or team changed after it first had an owner.",
        unit: Unit::Percent,
        more_is_better: Some(false),
        value: |c| ratio(c.get(M::Reassigned), c.get(M::Resolved)),
    },
    Metric {
        key: "reopened",
        name: "Reopen rate",
        formula: "Of the requests resolved in the period, the share reopened by their requester at least once before.",
        unit: Unit::Percent,
        more_is_better: Some(false),
        value: |c| ratio(c.get(M::Reopened), c.get(M::Resolved)),
    },
    Metric {
        key: "first_contact",
        name: "First-contact resolution",
        formula: "Of the requests resolved in the period, the share never reassigned and worked by one person of the service desk at most.",
        unit: Unit::Percent,
        more_is_better: Some(true),
        value: |c| ratio(c.get(M::FirstContact), c.get(M::Resolved)),
    },
    Metric {
        key: "csat",
        name: "Satisfaction",
        formula: "Mean rating (1–5) given by requesters, over the requests resolved in the period that were rated; the response rate is rated ÷ resolved.",
        unit: Unit::Rating,
        more_is_better: Some(true),
        value: |c| ratio(c.get(M::RatingSum), c.get(M::Rated)),
    },
    Metric {
        key: "deflection",
        name: "Deflection",
        formula: "Requests avoided because a knowledge article answered the question. Shown once knowledge articles exist in Atrium; until then there is nothing to count, and “—” says so.",
        unit: Unit::Percent,
        more_is_better: Some(true),
        value: |_| None,
    },
];

/// A metric's value as the dashboard shows it.
pub fn show(unit: Unit, value: Option<f64>) -> String {
    let Some(v) = value else {
        return "—".into();
    };
    match unit {
        Unit::Count => format!("{}", v.round() as i64),
        Unit::Percent => format!("{:.0}%", v * 100.0),
        Unit::Rating => format!("{v:.1}"),
        Unit::Minutes if v < 90.0 => format!("{:.0} min", v),
        Unit::Minutes if v < 48.0 * 60.0 => format!("{:.1} h", v / 60.0),
        Unit::Minutes => format!("{:.1} d", v / 1440.0),
    }
}

/// The change from `before` to `now` as the dashboard shows it ("▲ 12%", "▼ 3 pts"), and
/// whether it is for the better.
pub fn change(
    metric: &Metric,
    now: Option<f64>,
    before: Option<f64>,
) -> Option<(String, Option<bool>)> {
    let (now, before) = (now?, before?);
    let (text, up) = match metric.unit {
        Unit::Percent => {
            let pts = (now - before) * 100.0;
            if pts.abs() < 0.5 {
                return Some(("= 0 pts".into(), None));
            }
            (format!("{:.0} pts", pts.abs()), pts > 0.0)
        }
        Unit::Rating => {
            let d = now - before;
            if d.abs() < 0.05 {
                return Some(("= 0.0".into(), None));
            }
            (format!("{:.1}", d.abs()), d > 0.0)
        }
        _ => {
            if before == 0.0 {
                return None;
            }
            let pct = (now - before) / before * 100.0;
            if pct.abs() < 0.5 {
                return Some(("= 0%".into(), None));
            }
            (format!("{:.0}%", pct.abs()), pct > 0.0)
        }
    };
    let arrow = if up { "▲" } else { "▼" };
    Some((
        format!("{arrow} {text}"),
        metric.more_is_better.map(|more| more == up),
    ))
}

/// The backlog's age buckets: (label, youngest and oldest age in days; `None`: no limit).
pub const AGES: [(&str, i64, Option<i64>); 4] = [
    ("0–5 days", 0, Some(5)),
    ("6–10 days", 6, Some(10)),
    ("11–30 days", 11, Some(30)),
    ("over 30 days", 31, None),
];

#[cfg(test)]
mod dashboard_tests {
    use super::*;

    #[test]
    fn periods_and_their_predecessors() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 5).expect("day");
        let d = |t: &str| NaiveDate::parse_from_str(t, "%Y-%m-%d").expect("day");
        assert_eq!(
            period_days(Period::Month, None, None, today),
            ((d("2026-12-01"), today), (d("2026-11-26"), d("2026-11-30")))
        );
        assert_eq!(
            period_days(Period::Week, None, None, today).0,
            (d("2026-11-30"), today)
        );
        assert_eq!(
            period_days(Period::Quarter, None, None, today).0,
            (d("2026-10-01"), today)
        );
        assert_eq!(
            period_days(
                Period::Custom,
                Some("2026-11-30"),
                Some("2026-11-01"),
                today
            )
            .0,
            (d("2026-11-01"), d("2026-11-30"))
        );
        assert_eq!(Period::parse(Some("nonsense")), Period::Month);
    }

    #[test]
    fn values_and_changes_read_as_people_say_them() {
        assert_eq!(show(Unit::Minutes, Some(45.0)), "45 min");
        assert_eq!(show(Unit::Minutes, Some(210.0)), "3.5 h");
        assert_eq!(show(Unit::Minutes, Some(4320.0)), "3.0 d");
        assert_eq!(show(Unit::Percent, Some(0.874)), "87%");
        assert_eq!(show(Unit::Count, None), "—");
        let sla = &METRICS[6];
        assert_eq!(
            change(sla, Some(0.9), Some(0.8)),
            Some(("▲ 10 pts".into(), Some(true)))
        );
        let median = &METRICS[2];
        assert_eq!(
            change(median, Some(120.0), Some(100.0)),
            Some(("▲ 20%".into(), Some(false)))
        );
    }
}
