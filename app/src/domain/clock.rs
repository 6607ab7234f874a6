//! SLA clocks: how much of a target a request has used, derived from its own history.
//!
//! A clock is given the times its status changed (counting, paused with a reason, stopped),
//! the calendar versions it counts on and its target; it returns its segments (counting,
//! paused, outside working hours), the time it has used, its due time, when warnings and a
//! breach happened, and its state. Nothing is stored that this cannot recompute: a status
//! changed by hand, or a calendar edited, is one more call.
//!
//! Changes at the same instant are taken in the order of their sequence number (the order in
//! which they were recorded), so a clock does not depend on the order it is fed.

use super::calendar::Versions;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// What a clock does from a moment on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    /// Counting (within working hours, for a business-hours target).
    Counting,
    /// Paused, with the reason people read ("waiting on you").
    Paused(String),
    /// Stopped: the clock's goal was reached (a first response, a resolution).
    Stopped,
}

/// A change of a clock's status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub at: DateTime<Utc>,
    /// Order among changes at the same instant (the event's id).
    pub seq: i64,
    pub status: Status,
}

/// A clock's target.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    /// Minutes of time allowed.
    pub minutes: i64,
    /// Counted in the calendar's working hours; otherwise round the clock.
    pub business: bool,
    /// Percentages of the target at which a warning is due (e.g. 50, 75), ascending.
    #[serde(default)]
    pub warn_at: Vec<u8>,
}

/// What a stretch of a clock's life was.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SegmentKind {
    Counting,
    /// Counting status, but outside working hours: not counted.
    OutsideHours,
    Paused(String),
}

/// A stretch of a clock's life: `[start, end)`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub kind: SegmentKind,
}

/// A clock's state, as badges and escalations read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClockState {
    /// Not started yet.
    Pending,
    Running,
    /// Running, past a warning threshold.
    Warning,
    Paused,
    /// Stopped within its target.
    Met,
    /// Past its target (running, paused or stopped).
    Breached,
}

impl ClockState {
    pub const ALL: [ClockState; 6] = [
        ClockState::Pending,
        ClockState::Running,
        ClockState::Warning,
        ClockState::Paused,
        ClockState::Met,
        ClockState::Breached,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ClockState::Pending => "pending",
            ClockState::Running => "running",
            ClockState::Warning => "warning",
            ClockState::Paused => "paused",
            ClockState::Met => "met",
            ClockState::Breached => "breached",
        }
    }

    pub fn parse(text: &str) -> Option<ClockState> {
        ClockState::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// As a badge says it.
    pub fn label(self) -> &'static str {
        match self {
            ClockState::Pending => "Not started",
            ClockState::Running => "On track",
            ClockState::Warning => "At risk",
            ClockState::Paused => "Paused",
            ClockState::Met => "Met",
            ClockState::Breached => "Breached",
        }
    }

    /// How much a state needs attention: a request shows its most urgent clock.
    pub fn urgency(self) -> u8 {
        match self {
            ClockState::Met => 0,
            ClockState::Pending => 1,
            ClockState::Paused => 2,
            ClockState::Running => 3,
            ClockState::Warning => 4,
            ClockState::Breached => 5,
        }
    }
}

/// A clock computed from its history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    pub state: ClockState,
    /// Time counted against the target.
    pub used: Duration,
    pub target: Duration,
    /// When the target is (or was) reached while counting; `None` while paused or stopped
    /// within target, or when the calendar holds no working time.
    pub due: Option<DateTime<Utc>>,
    pub breached_at: Option<DateTime<Utc>>,
    /// When each warning threshold (percent) was crossed.
    pub warned: Vec<(u8, DateTime<Utc>)>,
    pub segments: Vec<Segment>,
    /// Whether it counts at `now` (its last status is counting; in or out of working hours).
    pub counting: bool,
    /// Whether it has stopped (met, or breached and then stopped): it changes no more.
    pub stopped: bool,
}

/// A threshold of a clock that can be acted on: a warning (percent of the target) or the breach.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Mark {
    Warning(u8),
    Breach,
}

impl Clock {
    /// The thresholds crossed and not yet acted on (`warned_pct`: the highest warning acted on,
    /// `breach_acted`), to act on now: only while the clock counts (a met or paused clock never
    /// fires), and only the breach when the breach is among them (one notice, not three).
    pub fn marks_to_act_on(&self, warned_pct: u8, breach_acted: bool) -> Vec<Mark> {
        if !self.counting {
            return Vec::new();
        }
        if self.breached_at.is_some() {
            return if breach_acted {
                Vec::new()
            } else {
                vec![Mark::Breach]
            };
        }
        self.warned
            .iter()
            .filter(|(p, _)| *p > warned_pct)
            .map(|(p, _)| *p)
            .max()
            .map(Mark::Warning)
            .into_iter()
            .collect()
    }

    /// When the next threshold not yet acted on is (or was) crossed, for the worker to look
    /// again then; `None` when nothing is to come (paused, stopped, or all acted on).
    pub fn next_check(
        &self,
        calendars: &Versions,
        target: &Target,
        now: DateTime<Utc>,
        warned_pct: u8,
        breach_acted: bool,
    ) -> Option<DateTime<Utc>> {
        if !self.counting || breach_acted {
            return None;
        }
        if let Some(breached) = self.breached_at {
            return Some(breached);
        }
        if let Some((_, when)) = self.warned.iter().find(|(p, _)| *p > warned_pct) {
            return Some(*when);
        }
        let goal = self.target;
        let next = target
            .warn_at
            .iter()
            .filter(|p| **p > warned_pct && **p > 0 && **p < 100)
            .map(|p| goal * i32::from(*p) / 100)
            .find(|mark| *mark > self.used)
            .unwrap_or(goal);
        let left = next - self.used;
        if target.business {
            calendars.add_business_time(now, left)
        } else {
            Some(now + left)
        }
    }
}

/// The clock for these status changes, on these calendar versions, up to `now`.
pub fn compute(
    changes: &[Change],
    calendars: &Versions,
    target: &Target,
    now: DateTime<Utc>,
) -> Clock {
    let mut changes: Vec<&Change> = changes.iter().filter(|c| c.at <= now).collect();
    changes.sort_by_key(|c| (c.at, c.seq));
    let goal = Duration::minutes(target.minutes.max(0));
    let mut clock = Clock {
        state: ClockState::Pending,
        used: Duration::zero(),
        target: goal,
        due: None,
        breached_at: None,
        warned: Vec::new(),
        segments: Vec::new(),
        counting: false,
        stopped: false,
    };
    // Thresholds, as time used: each warning, then the breach.
    let marks: Vec<(Option<u8>, Duration)> = target
        .warn_at
        .iter()
        .filter(|p| **p > 0 && **p < 100)
        .map(|p| (Some(*p), goal * i32::from(*p) / 100))
        .chain(std::iter::once((None, goal)))
        .collect();
    let mut status: Option<&Status> = None;
    for (n, change) in changes.iter().enumerate() {
        let end = changes.get(n + 1).map_or(now, |next| next.at);
        status = Some(&change.status);
        let (start, end) = (change.at, end);
        if start >= end {
            continue;
        }
        match &change.status {
            Status::Stopped => {}
            Status::Paused(reason) => push(
                &mut clock.segments,
                start,
                end,
                SegmentKind::Paused(reason.clone()),
            ),
            Status::Counting => {
                let periods = if target.business {
                    calendars.periods(start, end)
                } else {
                    vec![(start, end)]
                };
                let mut at = start;
                for (p_start, p_end) in periods {
                    push(&mut clock.segments, at, p_start, SegmentKind::OutsideHours);
                    // Crossing a mark inside this period: when exactly.
                    for (percent, mark) in &marks {
                        let before = clock.used;
                        let after = before + (p_end - p_start);
                        if before < *mark && after >= *mark {
                            let when = p_start + (*mark - before);
                            match percent {
                                Some(p) => clock.warned.push((*p, when)),
                                None => clock.breached_at = Some(when),
                            }
                        }
                    }
                    clock.used += p_end - p_start;
                    push(&mut clock.segments, p_start, p_end, SegmentKind::Counting);
                    at = p_end;
                }
                push(&mut clock.segments, at, end, SegmentKind::OutsideHours);
            }
        }
    }
    clock.counting = matches!(status, Some(Status::Counting));
    clock.stopped = matches!(status, Some(Status::Stopped));
    let breached = (clock.used >= goal && goal > Duration::zero()) || clock.breached_at.is_some();
    clock.state = match status {
        None => ClockState::Pending,
        Some(_) if breached => ClockState::Breached,
        Some(Status::Stopped) => ClockState::Met,
        Some(Status::Paused(_)) => ClockState::Paused,
        Some(Status::Counting) if !clock.warned.is_empty() => ClockState::Warning,
        Some(Status::Counting) => ClockState::Running,
    };
    clock.due = match status {
        _ if clock.breached_at.is_some() => clock.breached_at,
        Some(Status::Counting) => {
            let left = goal - clock.used;
            if target.business {
                calendars.add_business_time(now, left)
            } else {
                Some(now + left)
            }
        }
        _ => None,
    };
    clock
}

/// Appends a segment, joining it to the previous one of the same kind; empty ones are dropped.
fn push(segments: &mut Vec<Segment>, start: DateTime<Utc>, end: DateTime<Utc>, kind: SegmentKind) {
    if start >= end {
        return;
    }
    if let Some(last) = segments.last_mut() {
        if last.kind == kind && last.end == start {
            last.end = end;
            return;
        }
    }
    segments.push(Segment { start, end, kind });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::{Calendar, Holiday, Hours};
    use crate::domain::testing::at;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    fn change(n: i64, when: &str, status: Status) -> Change {
        Change {
            at: at(when),
            seq: n,
            status,
        }
    }

    fn waiting() -> Status {
        Status::Paused("waiting on you".into())
    }

    /// Office hours 09:00–17:00 Monday to Friday, UTC, with 25 December off.
    fn office() -> Versions {
        let mut c = Calendar::office("UTC", &[Hours::new(9 * 60, 17 * 60)]);
        c.holidays.push(Holiday {
            date: NaiveDate::from_ymd_opt(2026, 12, 25).expect("date"),
            yearly: true,
            name: "Christmas Day".into(),
        });
        Versions::single(c)
    }

    fn business(hours: i64) -> Target {
        Target {
            minutes: hours * 60,
            business: true,
            warn_at: vec![50, 75],
        }
    }

    /// Worked examples: (what, changes, target, now, used hours, state, due).
    #[test]
    fn worked_examples() {
        use ClockState::*;
        use Status::*;
        let office = office();
        let berlin_always = Versions::single(Calendar {
            zone: "Europe/Berlin".into(),
            ..Calendar::always()
        });
        let later = Versions::new(vec![
            (
                at("2026-01-01T00:00:00Z"),
                Calendar::office("UTC", &[Hours::new(9 * 60, 17 * 60)]),
            ),
            (at("2026-12-08T12:00:00Z"), Calendar::always()),
        ])
        .expect("versions");
        type Case<'a> = (
            &'a str,
            Vec<Change>,
            &'a Versions,
            Target,
            &'a str,
            f64,
            ClockState,
            Option<&'a str>,
        );
        let cases: Vec<Case> = vec![
            (
                "running in hours",
                vec![change(1, "2026-12-07T09:00:00Z", Counting)],
                &office,
                business(8),
                "2026-12-07T11:00:00Z",
                2.0,
                Running,
                Some("2026-12-07T17:00:00Z"),
            ),
            (
                "a weekend is not counted",
                vec![change(1, "2026-12-04T15:00:00Z", Counting)],
                &office,
                business(8),
                "2026-12-07T10:00:00Z",
                3.0,
                Running,
                Some("2026-12-07T15:00:00Z"),
            ),
            (
                "created at night counts from 09:00",
                vec![change(1, "2026-12-07T22:00:00Z", Counting)],
                &office,
                business(4),
                "2026-12-08T10:00:00Z",
                1.0,
                Running,
                Some("2026-12-08T13:00:00Z"),
            ),
            (
                "a holiday is not counted",
                vec![change(1, "2026-12-24T16:00:00Z", Counting)],
                &office,
                business(2),
                "2026-12-25T16:00:00Z",
                1.0,
                Warning,
                Some("2026-12-28T10:00:00Z"),
            ),
            (
                "paused: no due time",
                vec![
                    change(1, "2026-12-07T09:00:00Z", Counting),
                    change(2, "2026-12-07T10:00:00Z", waiting()),
                ],
                &office,
                business(8),
                "2026-12-08T12:00:00Z",
                1.0,
                ClockState::Paused,
                None,
            ),
            (
                "a pause across the weekend",
                vec![
                    change(1, "2026-12-04T13:00:00Z", Counting),
                    change(2, "2026-12-04T15:00:00Z", waiting()),
                    change(3, "2026-12-07T11:00:00Z", Counting),
                ],
                &office,
                business(8),
                "2026-12-07T12:00:00Z",
                3.0,
                Running,
                Some("2026-12-07T17:00:00Z"),
            ),
            (
                "met: stopped within target",
                vec![
                    change(1, "2026-12-07T09:00:00Z", Counting),
                    change(2, "2026-12-07T12:00:00Z", Stopped),
                ],
                &office,
                business(8),
                "2026-12-09T12:00:00Z",
                3.0,
                Met,
                None,
            ),
            (
                "breached while running",
                vec![change(1, "2026-12-07T09:00:00Z", Counting)],
                &office,
                business(4),
                "2026-12-08T12:00:00Z",
                11.0,
                Breached,
                Some("2026-12-07T13:00:00Z"),
            ),
            (
                "breached, then stopped: stays breached",
                vec![
                    change(1, "2026-12-07T09:00:00Z", Counting),
                    change(2, "2026-12-07T15:00:00Z", Stopped),
                ],
                &office,
                business(4),
                "2026-12-09T12:00:00Z",
                6.0,
                Breached,
                Some("2026-12-07T13:00:00Z"),
            ),
            (
                "calendar hours ignore the office",
                vec![change(1, "2026-12-05T09:00:00Z", Counting)],
                &office,
                Target {
                    minutes: 24 * 60,
                    business: false,
                    warn_at: vec![],
                },
                "2026-12-05T21:00:00Z",
                12.0,
                Running,
                Some("2026-12-06T09:00:00Z"),
            ),
            (
                "a calendar change mid-clock",
                vec![change(1, "2026-12-07T16:00:00Z", Counting)],
                &later,
                business(10),
                "2026-12-08T13:00:00Z",
                1.0 + 3.0 + 1.0,
                Warning,
                Some("2026-12-08T18:00:00Z"),
            ),
            (
                "clocks go forward in Berlin: 23 hours pass",
                vec![change(1, "2026-03-28T23:00:00Z", Counting)],
                &berlin_always,
                business(30),
                "2026-03-29T22:00:00Z",
                23.0,
                Warning,
                Some("2026-03-30T05:00:00Z"),
            ),
            (
                "clocks go back in Berlin: 25 hours pass",
                vec![change(1, "2026-10-24T22:00:00Z", Counting)],
                &berlin_always,
                business(30),
                "2026-10-25T23:00:00Z",
                25.0,
                Warning,
                Some("2026-10-26T04:00:00Z"),
            ),
            (
                "not started",
                vec![],
                &office,
                business(4),
                "2026-12-07T12:00:00Z",
                0.0,
                Pending,
                None,
            ),
        ];
        for (what, changes, calendars, target, now, used, state, due) in cases {
            let clock = compute(&changes, calendars, &target, at(now));
            assert_eq!(clock.used.num_minutes() as f64 / 60.0, used, "{what}: used");
            assert_eq!(clock.state, state, "{what}: state");
            assert_eq!(clock.due, due.map(at), "{what}: due");
        }
    }

    #[test]
    fn segments_explain_the_clock() {
        use Status::*;
        let changes = vec![
            change(1, "2026-12-04T15:00:00Z", Counting),
            change(2, "2026-12-04T16:00:00Z", waiting()),
            change(3, "2026-12-07T10:00:00Z", Counting),
        ];
        let clock = compute(
            &changes,
            &office(),
            &business(8),
            at("2026-12-07T11:00:00Z"),
        );
        let kinds: Vec<(String, String, SegmentKind)> = clock
            .segments
            .iter()
            .map(|s| {
                (
                    s.start.format("%a %H:%M").to_string(),
                    s.end.format("%a %H:%M").to_string(),
                    s.kind.clone(),
                )
            })
            .collect();
        assert_eq!(
            kinds,
            vec![
                (
                    "Fri 15:00".into(),
                    "Fri 16:00".into(),
                    SegmentKind::Counting
                ),
                (
                    "Fri 16:00".into(),
                    "Mon 10:00".into(),
                    SegmentKind::Paused("waiting on you".into())
                ),
                (
                    "Mon 10:00".into(),
                    "Mon 11:00".into(),
                    SegmentKind::Counting
                ),
            ]
        );
        // Warnings at 50% (4 h) and 75% (6 h) come later: none yet.
        assert!(clock.warned.is_empty());
        let clock = compute(
            &changes,
            &office(),
            &business(8),
            at("2026-12-07T16:00:00Z"),
        );
        assert_eq!(
            clock.warned,
            vec![
                (50, at("2026-12-07T13:00:00Z")),
                (75, at("2026-12-07T15:00:00Z"))
            ]
        );
        assert_eq!(
            clock.segments.last().map(|s| &s.kind),
            Some(&SegmentKind::Counting)
        );
        // Outside hours shows as such, between counting stretches.
        let clock = compute(
            &changes[..1],
            &office(),
            &business(8),
            at("2026-12-07T10:00:00Z"),
        );
        assert_eq!(clock.segments[1].kind, SegmentKind::OutsideHours);
    }

    fn any_changes() -> impl Strategy<Value = Vec<Change>> {
        let status = prop_oneof![
            Just(Status::Counting),
            Just(Status::Paused("waiting on you".into())),
            Just(Status::Stopped),
        ];
        prop::collection::vec((0i64..(30 * 24 * 60), status), 0..12).prop_map(|raw| {
            raw.into_iter()
                .enumerate()
                .map(|(n, (minute, status))| Change {
                    at: at("2026-03-20T00:00:00Z") + Duration::minutes(minute),
                    seq: n as i64,
                    status,
                })
                .collect()
        })
    }

    fn calendars() -> Vec<Versions> {
        vec![
            office(),
            Versions::single(Calendar::office(
                "Europe/Berlin",
                &[Hours::new(8 * 60, 12 * 60), Hours::new(13 * 60, 18 * 60)],
            )),
            Versions::single(Calendar {
                zone: "Europe/Berlin".into(),
                ..Calendar::always()
            }),
        ]
    }

    const NOW: &str = "2026-04-25T00:00:00Z";

    /// The change in effect at `t` (the last one recorded at or before it).
    fn in_effect(changes: &[Change], t: DateTime<Utc>) -> Option<Change> {
        let mut sorted = changes.to_vec();
        sorted.sort_by_key(|c| (c.at, c.seq));
        sorted.into_iter().rev().find(|c| c.at <= t)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(150))]

        #[test]
        fn used_time_never_exceeds_wall_time(changes in any_changes(), which in 0usize..3, hours in 1i64..60) {
            let calendars = &calendars()[which];
            let clock = compute(&changes, calendars, &business(hours), at(NOW));
            let first = changes.iter().map(|c| c.at).min();
            let wall = first.map_or(Duration::zero(), |f| at(NOW) - f);
            prop_assert!(clock.used <= wall);
        }

        #[test]
        fn pausing_and_resuming_at_once_changes_nothing(changes in any_changes(), which in 0usize..3, minute in 0i64..(30 * 24 * 60)) {
            let calendars = &calendars()[which];
            let target = business(20);
            let before = compute(&changes, calendars, &target, at(NOW));
            // Just after the change in effect at that instant, pause and resume what it was.
            let t = at("2026-03-20T00:00:00Z") + Duration::minutes(minute);
            let Some(current) = in_effect(&changes, t) else { return Ok(()) };
            let mut more = changes.clone();
            more.push(Change { at: t, seq: 1000, status: Status::Paused("a moment".into()) });
            more.push(Change { at: t, seq: 1001, status: current.status.clone() });
            let after = compute(&more, calendars, &target, at(NOW));
            prop_assert_eq!(before.used, after.used);
            prop_assert_eq!(before.due, after.due);
            prop_assert_eq!(before.state, after.state);
            prop_assert_eq!(before.breached_at, after.breached_at);
        }

        #[test]
        fn splitting_a_counting_stretch_changes_nothing(changes in any_changes(), which in 0usize..3, minute in 0i64..(30 * 24 * 60)) {
            let calendars = &calendars()[which];
            let target = business(20);
            let before = compute(&changes, calendars, &target, at(NOW));
            let t = at("2026-03-20T00:00:00Z") + Duration::minutes(minute);
            let Some(current) = in_effect(&changes, t) else { return Ok(()) };
            let mut more = changes.clone();
            more.push(Change { at: t, seq: 2000, status: current.status.clone() });
            let after = compute(&more, calendars, &target, at(NOW));
            prop_assert_eq!(before, after);
        }

        #[test]
        fn the_order_changes_are_fed_in_does_not_matter(changes in any_changes(), which in 0usize..3, seed in any::<u64>()) {
            let calendars = &calendars()[which];
            let target = business(20);
            let mut shuffled = changes.clone();
            // Ties too: every change at one of a few instants.
            let mut tied = changes.clone();
            for (n, c) in tied.iter_mut().enumerate() {
                c.at = at("2026-03-23T09:00:00Z") + Duration::hours((n % 3) as i64);
            }
            let mut tied_shuffled = tied.clone();
            let mut state = seed;
            for list in [&mut shuffled, &mut tied_shuffled] {
                for i in (1..list.len()).rev() {
                    state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    list.swap(i, (state >> 33) as usize % (i + 1));
                }
            }
            prop_assert_eq!(compute(&changes, calendars, &target, at(NOW)), compute(&shuffled, calendars, &target, at(NOW)));
            prop_assert_eq!(compute(&tied, calendars, &target, at(NOW)), compute(&tied_shuffled, calendars, &target, at(NOW)));
        }

        #[test]
        fn round_the_clock_is_wall_time_minus_pauses(changes in any_changes()) {
            let always = Versions::single(Calendar { zone: "Europe/Berlin".into(), ..Calendar::always() });
            let clock = compute(&changes, &always, &business(10_000), at(NOW));
            let mut sorted = changes.clone();
            sorted.sort_by_key(|c| (c.at, c.seq));
            let mut counting = Duration::zero();
            for (n, c) in sorted.iter().enumerate() {
                let end = sorted.get(n + 1).map_or(at(NOW), |next| next.at);
                if c.status == Status::Counting {
                    counting += end - c.at;
                }
            }
            prop_assert_eq!(clock.used, counting);
        }
    }
}
