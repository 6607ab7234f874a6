//! An item's service levels as the designer's form shows them (targets in hours, overrides per
//! priority as `critical 4, high 8`, warnings as `50, 75`, what a breach does), and back.
//! Reading says what is wrong; the policy read is then checked as every policy is.

use super::sla::{BreachAction, Recipient, SlaPolicy, TargetDef};
use super::state::Priority;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The designer's service-level fields (`sla[response]`, `sla[warn_at]`, …).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SlaFields {
    pub slug: String,
    /// "on": the item has service levels.
    pub enabled: Option<String>,
    /// A calendar of the department by slug; empty: its default.
    pub calendar: String,
    /// "business" (working hours) or "always" (round the clock).
    pub count: String,
    /// Hours; empty: no such target.
    pub response: String,
    pub resolution: String,
    /// `critical 1, high 2`.
    pub response_by_priority: String,
    pub resolution_by_priority: String,
    /// `50, 75`.
    pub warn_at: String,
    pub notify_owner: Option<String>,
    pub notify_team: Option<String>,
    pub notify_admins: Option<String>,
    /// Emails, separated by commas.
    pub notify_people: String,
    /// A team of the department by slug; empty: nobody takes it over.
    pub reassign_team: String,
    pub raise_priority: Option<String>,
}

fn on(value: bool) -> Option<String> {
    value.then(|| "on".to_owned())
}

fn hours_text(hours: f64) -> String {
    let text = super::numbers::fmt_fixed(hours, 2);
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

fn priorities_text(by: &BTreeMap<Priority, f64>) -> String {
    let mut list: Vec<(&Priority, &f64)> = by.iter().collect();
    list.sort_by_key(|(p, _)| std::cmp::Reverse(**p));
    list.into_iter()
        .map(|(p, h)| format!("{} {}", p.as_str(), hours_text(*h)))
        .collect::<Vec<_>>()
        .join(", ")
}

impl SlaFields {
    /// The fields for an item's policy (none: service levels off, with the usual warnings
    /// and the owner told on a breach ready to switch on).
    pub fn of(slug: &str, policy: Option<&SlaPolicy>) -> SlaFields {
        let Some(policy) = policy else {
            return SlaFields {
                slug: slug.to_owned(),
                count: "business".into(),
                warn_at: "50, 75".into(),
                notify_owner: on(true),
                ..SlaFields::default()
            };
        };
        let target =
            |t: &Option<TargetDef>| t.as_ref().map(|t| hours_text(t.hours)).unwrap_or_default();
        let by = |t: &Option<TargetDef>| {
            t.as_ref()
                .map(|t| priorities_text(&t.by_priority))
                .unwrap_or_default()
        };
        let business = [&policy.response, &policy.resolution]
            .into_iter()
            .flatten()
            .all(|t| t.business);
        let actions = policy.breach_actions();
        let notifies = |who: &Recipient| {
            actions
                .iter()
                .any(|a| matches!(a, BreachAction::Notify { to } if to == who))
        };
        SlaFields {
            slug: slug.to_owned(),
            enabled: on(true),
            calendar: policy.calendar.clone().unwrap_or_default(),
            count: if business { "business" } else { "always" }.into(),
            response: target(&policy.response),
            resolution: target(&policy.resolution),
            response_by_priority: by(&policy.response),
            resolution_by_priority: by(&policy.resolution),
            warn_at: policy
                .warn_at
                .iter()
                .map(u8::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            notify_owner: on(notifies(&Recipient::Owner)),
            notify_team: on(notifies(&Recipient::Team)),
            notify_admins: on(notifies(&Recipient::DepartmentAdmins)),
            notify_people: actions
                .iter()
                .filter_map(|a| match a {
                    BreachAction::Notify {
                        to: Recipient::Person { email },
                    } => Some(email.clone()),
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join(", "),
            reassign_team: actions
                .iter()
                .find_map(|a| match a {
                    BreachAction::Reassign { team } => Some(team.clone()),
                    _ => None,
                })
                .unwrap_or_default(),
            raise_priority: on(actions.contains(&BreachAction::RaisePriority)),
        }
    }

    /// The policy these fields say (`None`: service levels off), or what is wrong, in words.
    pub fn policy(&self) -> Result<Option<SlaPolicy>, String> {
        if self.enabled.is_none() {
            return Ok(None);
        }
        let business = self.count != "always";
        let target = |name: &str, hours: &str, by: &str| -> Result<Option<TargetDef>, String> {
            let hours = hours.trim();
            if hours.is_empty() {
                if !by.trim().is_empty() {
                    return Err(format!(
                        "Give the {name} target in hours before its hours per priority."
                    ));
                }
                return Ok(None);
            }
            let hours = read_hours(name, hours)?;
            let mut by_priority = BTreeMap::new();
            for part in by.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                let (priority, value) = part.split_once(' ').ok_or_else(|| {
                    format!("The {name} hours per priority: write them as “critical 4, high 8”.")
                })?;
                let priority: Priority =
                    priority.trim().to_ascii_lowercase().parse().map_err(|_| {
                        format!(
                            "The {name} hours per priority: “{priority}” is not a priority (low, \
                         medium, high or critical)."
                        )
                    })?;
                by_priority.insert(priority, read_hours(name, value.trim())?);
            }
            Ok(Some(TargetDef {
                hours,
                business,
                by_priority,
            }))
        };
        let mut warn_at = Vec::new();
        for part in self
            .warn_at
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let percent: u8 = part.trim_end_matches('%').trim().parse().map_err(|_| {
                format!("Warnings: “{part}” is not a percentage; write them as “50, 75”.")
            })?;
            warn_at.push(percent);
        }
        let mut on_breach = Vec::new();
        for (set, who) in [
            (&self.notify_owner, Recipient::Owner),
            (&self.notify_team, Recipient::Team),
            (&self.notify_admins, Recipient::DepartmentAdmins),
        ] {
            if set.is_some() {
                on_breach.push(BreachAction::Notify { to: who });
            }
        }
        for email in self
            .notify_people
            .split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
        {
            on_breach.push(BreachAction::Notify {
                to: Recipient::Person {
                    email: email.to_lowercase(),
                },
            });
        }
        if !self.reassign_team.trim().is_empty() {
            on_breach.push(BreachAction::Reassign {
                team: self.reassign_team.trim().to_owned(),
            });
        }
        if self.raise_priority.is_some() {
            on_breach.push(BreachAction::RaisePriority);
        }
        Ok(Some(SlaPolicy {
            calendar: Some(self.calendar.trim())
                .filter(|c| !c.is_empty())
                .map(str::to_owned),
            response: target("first response", &self.response, &self.response_by_priority)?,
            resolution: target("resolution", &self.resolution, &self.resolution_by_priority)?,
            warn_at,
            on_breach,
        }))
    }
}

fn read_hours(name: &str, text: &str) -> Result<f64, String> {
    super::numbers::parse_number(&text.replace(',', "."))
        .ok_or_else(|| format!("The {name} target: “{text}” is not a number of hours."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_policy_survives_the_form() {
        let policy: SlaPolicy = serde_json::from_value(serde_json::json!({
            "calendar": "berlin",
            "response": {"hours": 2, "by_priority": {"critical": 0.5, "high": 1}},
            "resolution": {"hours": 16, "by_priority": {"critical": 4}},
            "warn_at": [50, 75],
            "on_breach": [
                {"action": "notify", "to": {"who": "team"}},
                {"action": "notify", "to": {"who": "person", "email": "ops@example.org"}},
                {"action": "reassign", "team": "major-incidents"},
                {"action": "raise_priority"}
            ]
        }))
        .expect("policy");
        let fields = SlaFields::of("problem", Some(&policy));
        assert_eq!(fields.response_by_priority, "critical 0.5, high 1");
        assert_eq!(fields.warn_at, "50, 75");
        assert_eq!(fields.policy(), Ok(Some(policy)));
        let off = SlaFields::of("problem", None);
        assert_eq!(off.policy(), Ok(None));
    }

    #[test]
    fn mistakes_are_named() {
        let fields = SlaFields {
            enabled: on(true),
            resolution: "eight".into(),
            ..SlaFields::default()
        };
        assert!(fields
            .policy()
            .expect_err("hours")
            .contains("“eight” is not a number"));
        let fields = SlaFields {
            enabled: on(true),
            resolution: "8".into(),
            resolution_by_priority: "urgent 2".into(),
            ..SlaFields::default()
        };
        assert!(fields
            .policy()
            .expect_err("priority")
            .contains("“urgent” is not a priority"));
        let fields = SlaFields {
            enabled: on(true),
            resolution: "8".into(),
            warn_at: "half".into(),
            ..SlaFields::default()
        };
        assert!(fields
            .policy()
            .expect_err("warn")
            .contains("not a percentage"));
    }
}
