//! Business calendars: when a department works. A calendar has a time zone (IANA, e.g.
//! `Europe/Berlin`), working hours per weekday (several intervals a day, in local time) and
//! holidays (a date, or a date every year). SLA clocks count business time with it.
//!
//! Pure and exact: local hours are turned into instants in the calendar's zone, so a working
//! day that spans a daylight-saving change counts the hours that really passed (a 24-hour
//! calendar day in Berlin at the end of March holds 23 hours). Calendars are versioned: a
//! change applies from its effective time on ([`Versions`]).

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// Minutes in a day: the end of a working interval that runs to midnight.
pub const DAY_MINUTES: u16 = 24 * 60;

/// How far ahead a due time is searched for: a calendar that works less than this holds no
/// working time worth waiting for.
const HORIZON_DAYS: i64 = 3 * 366;

/// A working interval of a day, in minutes from local midnight: `[start, end)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Hours {
    pub start: u16,
    pub end: u16,
}

impl Hours {
    pub const fn new(start: u16, end: u16) -> Self {
        Self { start, end }
    }
}

/// A day off: one date, or the same day every year (`yearly`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holiday {
    pub date: NaiveDate,
    #[serde(default)]
    pub yearly: bool,
    #[serde(default)]
    pub name: String,
}

impl Holiday {
    fn falls_on(&self, day: NaiveDate) -> bool {
        if self.yearly {
            self.date.month() == day.month() && self.date.day() == day.day()
        } else {
            self.date == day
        }
    }
}

/// When a department works.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Calendar {
    /// IANA time zone name.
    pub zone: String,
    /// Working hours Monday (0) to Sunday (6), each day's intervals sorted and apart.
    pub week: [Vec<Hours>; 7],
    #[serde(default)]
    pub holidays: Vec<Holiday>,
}

impl Calendar {
    /// Round the clock, every day, in UTC: business time is wall time.
    pub fn always() -> Self {
        Self {
            zone: "UTC".into(),
            week: std::array::from_fn(|_| vec![Hours::new(0, DAY_MINUTES)]),
            holidays: Vec::new(),
        }
    }

    /// The same hours on Monday to Friday, none at the weekend.
    pub fn office(zone: &str, hours: &[Hours]) -> Self {
        Self {
            zone: zone.into(),
            week: std::array::from_fn(|d| if d < 5 { hours.to_vec() } else { Vec::new() }),
            holidays: Vec::new(),
        }
    }

    /// The calendar's zone; [`Calendar::check`] refuses an unknown one, so this falls back to
    /// UTC only for a calendar that was never checked.
    pub fn tz(&self) -> Tz {
        self.zone.parse().unwrap_or(Tz::UTC)
    }

    /// Problems a department admin must fix before the calendar is saved, in words.
    pub fn check(&self) -> Result<(), String> {
        if self.zone.parse::<Tz>().is_err() {
            return Err(format!(
                "“{}” is not a time zone: use a name such as Europe/Berlin or America/New_York.",
                self.zone
            ));
        }
        const DAYS: [&str; 7] = [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ];
        for (day, hours) in DAYS.iter().zip(&self.week) {
            let mut last_end = 0;
            for (n, h) in hours.iter().enumerate() {
                if h.start >= h.end || h.end > DAY_MINUTES {
                    return Err(format!(
                        "{day}: {} to {} is not a working interval (it must end after it \
                         starts, by midnight).",
                        clock_text(h.start),
                        clock_text(h.end)
                    ));
                }
                if n > 0 && h.start < last_end {
                    return Err(format!(
                        "{day}: the intervals overlap or are out of order at {}.",
                        clock_text(h.start)
                    ));
                }
                last_end = h.end;
            }
        }
        Ok(())
    }

    /// Whether the calendar works at all in a week.
    pub fn works(&self) -> bool {
        self.week.iter().any(|d| !d.is_empty())
    }

    fn is_holiday(&self, day: NaiveDate) -> bool {
        self.holidays.iter().any(|h| h.falls_on(day))
    }

    /// The working periods of one local day, as instants.
    fn day_periods(&self, tz: Tz, day: NaiveDate) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        if self.is_holiday(day) {
            return Vec::new();
        }
        let weekday = day.weekday().num_days_from_monday() as usize;
        self.week[weekday]
            .iter()
            .filter_map(|h| {
                let start = local_instant(tz, day, h.start, Edge::Start)?;
                let end = local_instant(tz, day, h.end, Edge::End)?;
                (start < end).then_some((start, end))
            })
            .collect()
    }

    /// The working periods from `from` on, in order and apart, for `days` local days: a
    /// period never starts before the previous one ended (an hour repeated when clocks go
    /// back is counted once).
    fn walk(
        &self,
        from: DateTime<Utc>,
        days: i64,
    ) -> impl Iterator<Item = (DateTime<Utc>, DateTime<Utc>)> + '_ {
        let tz = self.tz();
        // A local day may begin up to a day before the UTC one.
        let first = from.with_timezone(&tz).date_naive() - Duration::days(1);
        let mut last_end = from;
        (0..days)
            .map(move |n| first + Duration::days(n))
            .flat_map(move |day| self.day_periods(tz, day))
            .filter_map(move |(start, end)| {
                let start = start.max(last_end);
                (start < end).then(|| {
                    last_end = end;
                    (start, end)
                })
            })
    }

    /// The working periods that overlap `[from, to)`, clipped to it, in order.
    pub fn periods(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        if from >= to {
            return Vec::new();
        }
        // From the day before `from`'s local day to `to`'s local day, both included.
        let tz = self.tz();
        let first = from.with_timezone(&tz).date_naive();
        let last = to.with_timezone(&tz).date_naive();
        let days = (last - first).num_days() + 2;
        self.walk(from, days)
            .take_while(|(start, _)| *start < to)
            .map(|(start, end)| (start, end.min(to)))
            .collect()
    }

    /// Business time within `[from, to)`.
    pub fn business_time(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        self.periods(from, to)
            .into_iter()
            .map(|(s, e)| e - s)
            .fold(Duration::zero(), |a, b| a + b)
    }

    /// The instant at which `amount` of business time has passed from `from`; `None` when
    /// the calendar has no working time for years.
    pub fn add_business_time(
        &self,
        from: DateTime<Utc>,
        amount: Duration,
    ) -> Option<DateTime<Utc>> {
        if amount <= Duration::zero() {
            return Some(from);
        }
        if !self.works() {
            return None;
        }
        let mut left = amount;
        for (start, end) in self.walk(from, HORIZON_DAYS) {
            let here = end - start;
            if here >= left {
                return Some(start + left);
            }
            left -= here;
        }
        None
    }
}

/// A calendar as it changed over time: each version applies from its effective instant until
/// the next one's. The first version applies to everything before it too.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Versions {
    versions: Vec<(DateTime<Utc>, Calendar)>,
}

impl Versions {
    /// Versions by effective time (sorted here); at least one.
    pub fn new(mut versions: Vec<(DateTime<Utc>, Calendar)>) -> Option<Self> {
        if versions.is_empty() {
            return None;
        }
        versions.sort_by_key(|(at, _)| *at);
        Some(Self { versions })
    }

    /// One calendar, always in effect.
    pub fn single(calendar: Calendar) -> Self {
        Self {
            versions: vec![(DateTime::<Utc>::MIN_UTC, calendar)],
        }
    }

    /// The zone of the version in effect last (the one a due time is read in).
    pub fn zone(&self) -> Tz {
        self.versions.last().map_or(Tz::UTC, |(_, c)| c.tz())
    }

    /// `[from, to)` cut where versions change, each piece with the calendar in effect.
    fn pieces(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Vec<(DateTime<Utc>, DateTime<Utc>, &Calendar)> {
        let mut out = Vec::new();
        for (n, (effective, calendar)) in self.versions.iter().enumerate() {
            let start = if n == 0 { from } else { (*effective).max(from) };
            let end = self
                .versions
                .get(n + 1)
                .map_or(to, |(next, _)| (*next).min(to));
            if start < end {
                out.push((start, end, calendar));
            }
        }
        out
    }

    /// The working periods within `[from, to)`, each under the version in effect.
    pub fn periods(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        self.pieces(from, to)
            .into_iter()
            .flat_map(|(s, e, c)| c.periods(s, e))
            .collect()
    }

    /// Business time within `[from, to)`.
    pub fn business_time(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        self.pieces(from, to)
            .into_iter()
            .map(|(s, e, c)| c.business_time(s, e))
            .fold(Duration::zero(), |a, b| a + b)
    }

    /// When `amount` of business time has passed from `from`, across versions.
    pub fn add_business_time(
        &self,
        from: DateTime<Utc>,
        amount: Duration,
    ) -> Option<DateTime<Utc>> {
        let mut left = amount;
        let mut at = from;
        for (n, (effective, calendar)) in self.versions.iter().enumerate() {
            let next = self.versions.get(n + 1).map(|(t, _)| *t);
            if next.is_some_and(|next| next <= at) {
                continue;
            }
            let start = if n == 0 { at } else { (*effective).max(at) };
            let due = calendar.add_business_time(start, left);
            match (due, next) {
                (Some(due), Some(next)) if due <= next => return Some(due),
                (Some(due), None) => return Some(due),
                (None, None) => return None,
                // This version ends first: count what it holds and go on in the next.
                (_, Some(next)) => {
                    left -= calendar.business_time(start, next);
                    at = next;
                }
            }
        }
        None
    }
}

/// Which side of a working interval an instant is for: where a local time is ambiguous (the
/// hour repeated when clocks go back), a start takes the earlier instant and an end the later,
/// so the interval holds every hour that passed; where it does not exist (the hour skipped
/// when clocks go forward), both take the first instant after the gap.
#[derive(Clone, Copy)]
enum Edge {
    Start,
    End,
}

fn local_instant(tz: Tz, day: NaiveDate, minute: u16, edge: Edge) -> Option<DateTime<Utc>> {
    let (day, minute) = if minute >= DAY_MINUTES {
        (day.succ_opt()?, minute - DAY_MINUTES)
    } else {
        (day, minute)
    };
    let time = NaiveTime::from_hms_opt(u32::from(minute / 60), u32::from(minute % 60), 0)?;
    let local = day.and_time(time);
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(early, late) => Some(match edge {
            Edge::Start => early.with_timezone(&Utc),
            Edge::End => late.with_timezone(&Utc),
        }),
        LocalResult::None => {
            // In a gap: the first minute that exists after it (gaps are at most a few hours).
            (1..=24 * 60).find_map(|m| {
                tz.from_local_datetime(&(local + Duration::minutes(m)))
                    .earliest()
                    .map(|t| t.with_timezone(&Utc))
            })
        }
    }
}

/// `545` → `09:05`.
pub fn clock_text(minute: u16) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::testing::at;
    use proptest::prelude::*;

    fn berlin_office() -> Calendar {
        let mut c = Calendar::office(
            "Europe/Berlin",
            &[Hours::new(9 * 60, 12 * 60), Hours::new(13 * 60, 17 * 60)],
        );
        c.holidays.push(Holiday {
            date: NaiveDate::from_ymd_opt(2026, 12, 25).expect("date"),
            yearly: true,
            name: "Christmas Day".into(),
        });
        c
    }

    fn hours(d: Duration) -> f64 {
        d.num_minutes() as f64 / 60.0
    }

    /// Worked examples: (what, calendar, from, to, business hours).
    #[test]
    fn worked_examples() {
        let office = berlin_office();
        let always = Calendar::always();
        let berlin_always = Calendar {
            zone: "Europe/Berlin".into(),
            ..Calendar::always()
        };
        let cases: Vec<(&str, &Calendar, &str, &str, f64)> = vec![
            (
                "a whole working day",
                &office,
                "2026-12-07T00:00:00Z",
                "2026-12-08T00:00:00Z",
                7.0,
            ),
            (
                "lunch is not counted",
                &office,
                "2026-12-07T10:00:00Z",
                "2026-12-07T13:00:00Z",
                2.0,
            ),
            (
                "a weekend holds nothing",
                &office,
                "2026-12-05T00:00:00Z",
                "2026-12-07T00:00:00Z",
                0.0,
            ),
            (
                "Friday afternoon to Monday morning",
                &office,
                "2026-12-04T15:00:00Z",
                "2026-12-07T09:00:00Z",
                1.0 + 1.0,
            ),
            (
                "created at night, counted from 09:00",
                &office,
                "2026-12-07T22:30:00Z",
                "2026-12-08T09:00:00Z",
                1.0,
            ),
            (
                "a holiday holds nothing",
                &office,
                "2026-12-25T00:00:00Z",
                "2026-12-26T00:00:00Z",
                0.0,
            ),
            (
                "a yearly holiday comes back",
                &office,
                "2027-12-24T23:00:00Z",
                "2027-12-25T23:00:00Z",
                0.0,
            ),
            (
                "a week of office hours",
                &office,
                "2026-12-07T00:00:00Z",
                "2026-12-14T00:00:00Z",
                35.0,
            ),
            (
                "round the clock is wall time",
                &always,
                "2026-12-05T00:00:00Z",
                "2026-12-07T06:00:00Z",
                54.0,
            ),
            (
                "clocks go forward: a day of 23 hours",
                &berlin_always,
                "2026-03-28T23:00:00Z",
                "2026-03-29T22:00:00Z",
                23.0,
            ),
            (
                "clocks go back: a day of 25 hours",
                &berlin_always,
                "2026-10-24T22:00:00Z",
                "2026-10-25T23:00:00Z",
                25.0,
            ),
            (
                "office hours across the change are still 7",
                &office,
                "2026-03-30T00:00:00Z",
                "2026-03-31T00:00:00Z",
                7.0,
            ),
        ];
        for (what, calendar, from, to, expected) in cases {
            assert_eq!(
                hours(calendar.business_time(at(from), at(to))),
                expected,
                "{what}"
            );
        }
    }

    #[test]
    fn a_span_ending_just_after_local_midnight_counts_its_last_minutes() {
        // Found by the clock's property test: eleven days ending at 00:01 Berlin time lost
        // the last minute (the walk stopped a local day short).
        let berlin = Calendar {
            zone: "Europe/Berlin".into(),
            ..Calendar::always()
        };
        let (from, to) = (at("2026-03-24T22:05:00Z"), at("2026-04-04T22:01:00Z"));
        assert_eq!(berlin.business_time(from, to), to - from);
    }

    #[test]
    fn due_times_skip_nights_weekends_and_holidays() {
        let office = berlin_office();
        // 8 business hours from Friday 4 December 15:00 Berlin (14:00 UTC): 2 on Friday, 3 + 3
        // on Monday morning and afternoon → Monday 16:00 Berlin.
        assert_eq!(
            office.add_business_time(at("2026-12-04T14:00:00Z"), Duration::hours(8)),
            Some(at("2026-12-07T15:00:00Z"))
        );
        // From Christmas Eve afternoon: Christmas Day is off.
        assert_eq!(
            office.add_business_time(at("2026-12-24T15:00:00Z"), Duration::hours(2)),
            Some(at("2026-12-28T09:00:00Z"))
        );
        let never = Calendar::office("UTC", &[]);
        assert_eq!(
            never.add_business_time(at("2026-12-04T14:00:00Z"), Duration::hours(1)),
            None
        );
        assert!(never.check().is_ok() && !never.works());
    }

    #[test]
    fn a_calendar_change_applies_from_its_effective_time() {
        let before = Calendar::office("UTC", &[Hours::new(9 * 60, 17 * 60)]);
        let after = Calendar::always();
        let versions = Versions::new(vec![
            (at("2026-12-01T00:00:00Z"), before),
            (at("2026-12-08T12:00:00Z"), after),
        ])
        .expect("versions");
        // Monday 7 Dec 09:00 to Tuesday 8 Dec 18:00: 8 h on Monday, 3 h on Tuesday before noon
        // under office hours, then 6 h round the clock.
        assert_eq!(
            hours(versions.business_time(at("2026-12-07T09:00:00Z"), at("2026-12-08T18:00:00Z"))),
            17.0
        );
        // A 10-hour target from Monday 16:00: 1 h on Monday, 3 h on Tuesday morning, then
        // round the clock from noon: 6 more → 18:00.
        assert_eq!(
            versions.add_business_time(at("2026-12-07T16:00:00Z"), Duration::hours(10)),
            Some(at("2026-12-08T18:00:00Z"))
        );
    }

    #[test]
    fn calendars_that_cannot_work_are_refused_with_the_reason() {
        let mut c = berlin_office();
        c.zone = "Mars/Olympus".into();
        assert!(c.check().expect_err("zone").contains("not a time zone"));
        let mut c = berlin_office();
        c.week[2] = vec![Hours::new(600, 540)];
        assert!(c.check().expect_err("backwards").starts_with("Wednesday"));
        let mut c = berlin_office();
        c.week[0] = vec![Hours::new(540, 720), Hours::new(700, 800)];
        assert!(c.check().expect_err("overlap").contains("overlap"));
        assert!(berlin_office().check().is_ok());
    }

    fn any_calendar() -> impl Strategy<Value = Calendar> {
        let day = prop::collection::vec((0u16..1440, 1u16..600), 0..3).prop_map(|raw| {
            let mut hours: Vec<Hours> = Vec::new();
            let mut sorted = raw;
            sorted.sort();
            for (start, len) in sorted {
                let start = hours.last().map_or(start, |h: &Hours| start.max(h.end));
                let end = (start + len).min(DAY_MINUTES);
                if start < end {
                    hours.push(Hours::new(start, end));
                }
            }
            hours
        });
        let zone = prop::sample::select(vec![
            "UTC",
            "Europe/Berlin",
            "America/New_York",
            "Asia/Kolkata",
        ]);
        (zone, prop::array::uniform7(day)).prop_map(|(zone, week)| Calendar {
            zone: zone.into(),
            week,
            holidays: Vec::new(),
        })
    }

    fn any_instant() -> impl Strategy<Value = DateTime<Utc>> {
        // 2026 and 2027, by the minute: both daylight-saving changes of each year included.
        (0i64..(2 * 366 * 24 * 60)).prop_map(|m| at("2026-01-01T00:00:00Z") + Duration::minutes(m))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn business_time_never_exceeds_wall_time_and_adds_up(
            calendar in any_calendar(), a in any_instant(), b in any_instant(), c in any_instant()
        ) {
            prop_assert!(calendar.check().is_ok());
            let mut t = [a, b, c];
            t.sort();
            let [a, b, c] = t;
            let ab = calendar.business_time(a, b);
            let bc = calendar.business_time(b, c);
            prop_assert!(ab <= b - a);
            // Splitting an interval in two changes nothing.
            prop_assert_eq!(ab + bc, calendar.business_time(a, c));
        }

        #[test]
        fn a_due_time_holds_exactly_the_target(
            calendar in any_calendar(), from in any_instant(), minutes in 1i64..(40 * 60)
        ) {
            let target = Duration::minutes(minutes);
            if let Some(due) = calendar.add_business_time(from, target) {
                prop_assert_eq!(calendar.business_time(from, due), target);
                // And not a minute earlier.
                prop_assert!(calendar.business_time(from, due - Duration::minutes(1)) < target);
            } else {
                // Only a calendar that holds less than the target for years has no due time.
                let years = from + Duration::days(HORIZON_DAYS - 2);
                prop_assert!(calendar.business_time(from, years) < target);
            }
        }

        #[test]
        fn round_the_clock_is_wall_time(a in any_instant(), b in any_instant()) {
            let (a, b) = if a <= b { (a, b) } else { (b, a) };
            prop_assert_eq!(Calendar::always().business_time(a, b), b - a);
            let berlin = Calendar { zone: "Europe/Berlin".into(), ..Calendar::always() };
            prop_assert_eq!(berlin.business_time(a, b), b - a);
        }
    }
}
