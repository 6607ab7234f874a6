//! A clock told in words: what the request page shows under each clock, so a person can see
//! why it shows what it shows ("paused Mon 15:40 waiting on the requester; outside working
//! hours 18:00–08:00, not counted; breached Wed 11:30 — 8 h target on the Berlin calendar").
//!
//! Read from the clock's own segments and marks ([`super::clock::compute`]), so the words and
//! the numbers cannot disagree.

use super::clock::{Clock, ClockState, SegmentKind};
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

/// `3 h 12 min`, `45 min`, `8 h`, `0 min`.
pub fn duration_text(d: Duration) -> String {
    let minutes = d.num_minutes().max(0);
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// `Mon 7 Dec 09:12` in `zone`.
pub fn moment(t: DateTime<Utc>, zone: Tz) -> String {
    t.with_timezone(&zone).format("%a %-d %b %H:%M").to_string()
}

/// `09:12` (the same day as a moment named before it) or a full moment.
fn later(t: DateTime<Utc>, since: DateTime<Utc>, zone: Tz) -> String {
    let (a, b) = (t.with_timezone(&zone), since.with_timezone(&zone));
    if a.date_naive() == b.date_naive() {
        a.format("%H:%M").to_string()
    } else {
        moment(t, zone)
    }
}

/// Most lines of a story: a clock that has run for weeks says its last steps, and how many
/// went before.
pub const STORY_LINES: usize = 14;

/// The clock's story, oldest first, in `zone`. `target` says the target in words, e.g.
/// `8 h target on the Berlin office calendar`.
pub fn story(clock: &Clock, target: &str, zone: Tz, now: DateTime<Utc>) -> Vec<String> {
    let mut lines: Vec<(DateTime<Utc>, String)> = Vec::new();
    let Some(first) = clock.segments.first() else {
        return match clock.state {
            ClockState::Pending => vec![format!("Not started yet ({target}).")],
            ClockState::Met => vec![format!("Met at once ({target}).")],
            _ => vec![format!("No time counted yet ({target}).")],
        };
    };
    lines.push((
        first.start,
        format!("Started {}.", moment(first.start, zone)),
    ));
    for segment in &clock.segments {
        let ongoing = segment.end >= now && clock.counting;
        let span = if ongoing {
            format!("since {}", moment(segment.start, zone))
        } else {
            format!(
                "{} – {}",
                moment(segment.start, zone),
                later(segment.end, segment.start, zone)
            )
        };
        let text = match &segment.kind {
            SegmentKind::Counting => format!(
                "Counting {span} ({}).",
                duration_text(segment.end - segment.start)
            ),
            SegmentKind::OutsideHours => format!("Outside working hours {span}: not counted."),
            SegmentKind::Paused(reason) => format!("Paused {span}, {reason}."),
        };
        lines.push((segment.start, text));
    }
    for (percent, when) in &clock.warned {
        lines.push((
            *when,
            format!("{percent}% of the target used at {}.", moment(*when, zone)),
        ));
    }
    if let Some(when) = clock.breached_at {
        lines.push((when, format!("Breached {} — {target}.", moment(when, zone))));
    }
    // Stable: a mark at a segment's start comes after it.
    lines.sort_by_key(|(at, _)| *at);
    let used = duration_text(clock.used);
    let end = match clock.state {
        ClockState::Met => {
            let stopped = clock.segments.last().map_or(now, |s| s.end);
            format!(
                "Met {}: {used} of the {target} used.",
                moment(stopped, zone)
            )
        }
        ClockState::Breached if clock.counting => {
            format!("Still running: {used} used of the {target}.")
        }
        ClockState::Breached => format!("{used} used of the {target}."),
        ClockState::Paused => format!("Paused now: {used} used of the {target}."),
        ClockState::Running | ClockState::Warning => match clock.due {
            Some(due) => format!(
                "{used} used of the {target}; due {} ({} left).",
                moment(due, zone),
                duration_text(clock.target - clock.used)
            ),
            None => format!("{used} used of the {target}; the calendar has no working time ahead."),
        },
        ClockState::Pending => format!("Not started yet ({target})."),
    };
    let mut out: Vec<String> = lines.into_iter().map(|(_, text)| text).collect();
    if out.len() > STORY_LINES {
        let dropped = out.len() - STORY_LINES;
        let mut kept = vec![out[0].clone(), format!("… {dropped} earlier steps …")];
        kept.extend(out.split_off(out.len() - (STORY_LINES - 1)));
        out = kept;
    }
    out.push(end);
    out
}

/// A list's badge for a request's clocks (its most urgent state and nearest due time):
/// "Due in 3 h", "At risk · due in 40 min", "Breached", "Paused", "Met".
pub fn badge_text(state: ClockState, due: Option<DateTime<Utc>>, now: DateTime<Utc>) -> String {
    let due_in = |due: DateTime<Utc>| {
        if due <= now {
            "due now".to_owned()
        } else {
            format!("due in {}", duration_text(due - now))
        }
    };
    match (state, due) {
        (ClockState::Breached, _) => "Breached".into(),
        (ClockState::Warning, Some(due)) => format!("At risk · {}", due_in(due)),
        (ClockState::Warning, None) => "At risk".into(),
        (ClockState::Running, Some(due)) => {
            let text = due_in(due);
            let mut chars = text.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        }
        (ClockState::Running, None) => "On track".into(),
        (ClockState::Paused, _) => "Paused".into(),
        (ClockState::Met, _) => "Met".into(),
        (ClockState::Pending, _) => "Not started".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::{Calendar, Hours, Versions};
    use crate::domain::clock::{compute, Change, Status, Target};
    use crate::domain::testing::at;

    #[test]
    fn a_breached_clock_tells_why() {
        let berlin = Versions::single(Calendar::office(
            "Europe/Berlin",
            &[Hours::new(8 * 60, 18 * 60)],
        ));
        let changes = vec![
            Change {
                at: at("2026-12-07T08:12:00Z"), // Mon 09:12 Berlin
                seq: 1,
                status: Status::Counting,
            },
            Change {
                at: at("2026-12-07T14:40:00Z"), // 15:40
                seq: 2,
                status: Status::Paused("waiting on the requester".into()),
            },
            Change {
                at: at("2026-12-08T09:05:00Z"), // Tue 10:05
                seq: 3,
                status: Status::Counting,
            },
        ];
        let target = Target {
            minutes: 8 * 60,
            business: true,
            warn_at: vec![75],
        };
        let now = at("2026-12-09T12:00:00Z");
        let clock = compute(&changes, &berlin, &target, now);
        assert_eq!(clock.state, ClockState::Breached);
        let zone: Tz = "Europe/Berlin".parse().expect("zone");
        let story = story(&clock, "8 h target on the Berlin calendar", zone, now);
        let text = story.join("\n");
        assert!(text.contains("Started Mon 7 Dec 09:12."), "{text}");
        assert!(
            text.contains("Paused Mon 7 Dec 15:40 – Tue 8 Dec 10:05, waiting on the requester."),
            "{text}"
        );
        assert!(
            text.contains("Outside working hours Tue 8 Dec 18:00 – Wed 9 Dec 08:00: not counted."),
            "{text}"
        );
        // 6 h 28 min on Monday, 7 h 55 min on Tuesday: 8 h reached Tue 11:37.
        assert!(
            text.contains("Breached Tue 8 Dec 11:37 — 8 h target on the Berlin calendar."),
            "{text}"
        );
        assert!(
            text.contains("75% of the target used at Mon 7 Dec 15:12."),
            "{text}"
        );
        assert!(
            text.ends_with(
                "Still running: 19 h 23 min used of the 8 h target on the Berlin calendar."
            ),
            "{text}"
        );
        assert_eq!(duration_text(Duration::minutes(192)), "3 h 12 min");
        let due = at("2026-12-09T15:00:00Z");
        assert_eq!(
            badge_text(ClockState::Running, Some(due), now),
            "Due in 3 h"
        );
        assert_eq!(
            badge_text(ClockState::Warning, Some(due), now),
            "At risk · due in 3 h"
        );
        assert_eq!(badge_text(ClockState::Breached, Some(now), now), "Breached");
        assert_eq!(duration_text(Duration::minutes(45)), "45 min");
    }
}
