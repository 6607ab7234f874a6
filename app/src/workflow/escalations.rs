//! (ssr) Warnings and breaches of SLA clocks, acted on once: the escalation worker claims the
//! clocks whose next threshold is due, and for each request, under its lock, the clock engine
//! says which thresholds are crossed and not yet acted on (and stores them as acted on); this
//! module carries out what the item's policy says — tell the owner, the team, the department's
//! admins or named people, hand the request to another team, raise its priority — and records
//! it in the timeline and the audit trail, in the same transaction.
//!
//! Several replicas may run this at once: the lease spreads the work, and the request's lock
//! with the stored "acted on" marks makes each warning and breach fire once. A clock that is
//! met or paused never fires (the engine returns nothing for it).

use crate::db::{team, Db};
use crate::domain::clock::Mark;
use crate::domain::clock_story::{duration_text, moment};
use crate::domain::sla::{BreachAction, ClockKind, Recipient};
use crate::error::{AppError, AppResult};
use crate::requests::audit::Change;
use crate::requests::kernel::{EventKind, NoticeKind, RequestWork};
use crate::requests::model::RequestId;
use crate::sla::clocks::{self, Acting, Due};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

/// How long a claimed clock is left to the replica that claimed it.
const LEASE_SECONDS: i64 = 120;
/// Most requests looked at per run.
const BATCH: u64 = 200;

/// Acts on every warning and breach due by `now`, batch by batch until none is left. Returns
/// how many were acted on.
pub async fn escalate(db: &Db, now: DateTime<Utc>) -> AppResult<usize> {
    let mut acted = 0;
    loop {
        let lease = chrono::Duration::seconds(LEASE_SECONDS);
        let claimed = clocks::claim_due(&db.conn, now, lease, BATCH).await?;
        if claimed.is_empty() {
            break;
        }
        for id in claimed {
            let work = match RequestWork::open(db, RequestId(id)).await {
                Ok(work) => work,
                Err(AppError::NotFound(_)) => continue,
                Err(other) => return Err(other),
            };
            acted += act(work).await?;
        }
    }
    if acted > 0 {
        tracing::info!(acted, "SLA warnings and breaches acted on");
    }
    Ok(acted)
}

/// Acts on what is due on one locked request, and commits.
async fn act(mut work: RequestWork) -> AppResult<usize> {
    let before = super::facts_before(&work).await?;
    let (_, due) = clocks::refresh(&work, Acting::Yes).await?;
    let count = due.len();
    for item in due {
        match item.mark {
            Mark::Warning(percent) => warn(&work, &item, percent).await?,
            Mark::Breach => breach(&mut work, &item).await?,
        }
    }
    // Stores the clocks again after what the actions changed (a raised priority may have
    // another target), keeping what was acted on.
    super::commit_with(work, before).await?;
    Ok(count)
}

/// The request's owner, else the members of its team.
async fn owner_or_team(work: &RequestWork) -> AppResult<Vec<i64>> {
    if let Some(owner) = work.owner() {
        return Ok(vec![owner]);
    }
    match work.team() {
        Some(team) => Ok(crate::directory::team_members(work.txn(), team)
            .await?
            .into_iter()
            .map(|(id, _)| id)
            .collect()),
        None => Ok(Vec::new()),
    }
}

fn clock_name(kind: ClockKind) -> &'static str {
    match kind {
        ClockKind::Response => "first response",
        ClockKind::Resolution => "resolution",
    }
}

async fn warn(work: &RequestWork, item: &Due, percent: u8) -> AppResult<()> {
    let clock = &item.clock;
    let name = clock_name(clock.kind);
    let due = clock
        .clock
        .due
        .map(|d| {
            format!(
                " It is due {} {}.",
                moment(d, clock.versions.zone()),
                d.with_timezone(&clock.versions.zone()).format("%Z")
            )
        })
        .unwrap_or_default();
    let people = owner_or_team(work).await?;
    work.audit(
        None,
        [Change::request(
            work.row().id,
            audit_field(clock.kind),
            Some("on track".into()),
            Some(format!("at risk ({percent}% used)")),
        )],
    )
    .await?;
    work.event(
        None,
        EventKind::Updated,
        format!(
            "SLA warning: {percent}% of the {name} target used ({}).{due}",
            clock.target_text()
        ),
    )
    .await?;
    work.notify(
        NoticeKind::Work,
        people,
        format!("{} {} is at risk", work.id(), work.row().title),
        format!(
            "{percent}% of its {name} target is used ({}).{due}",
            clock.target_text()
        ),
    )
    .await
}

fn audit_field(kind: ClockKind) -> &'static str {
    match kind {
        ClockKind::Response => "SLA first response",
        ClockKind::Resolution => "SLA resolution",
    }
}

async fn breach(work: &mut RequestWork, item: &Due) -> AppResult<()> {
    let clock = &item.clock;
    let name = clock_name(clock.kind);
    let policy_actions = clocks::breach_actions(work).await?;
    let mut said = Vec::new();
    let mut told: Vec<i64> = Vec::new();
    for action in policy_actions {
        match action {
            BreachAction::Notify { to } => {
                let people = match &to {
                    Recipient::Owner => owner_or_team(work).await?,
                    Recipient::Team => match work.team() {
                        Some(team) => crate::directory::team_members(work.txn(), team)
                            .await?
                            .into_iter()
                            .map(|(id, _)| id)
                            .collect(),
                        None => Vec::new(),
                    },
                    Recipient::DepartmentAdmins => {
                        crate::directory::department_admins(work.txn(), work.row().department_id)
                            .await?
                            .into_iter()
                            .map(|(id, _)| id)
                            .collect()
                    }
                    Recipient::Person { email } => {
                        crate::directory::active_user_by_email(work.txn(), email)
                            .await?
                            .map(|u| u.id)
                            .into_iter()
                            .collect()
                    }
                };
                told.extend(people);
            }
            BreachAction::Reassign { team: slug } => {
                let found = team::Entity::find()
                    .filter(team::Column::DepartmentId.eq(work.row().department_id))
                    .filter(team::Column::Slug.eq(slug.as_str()))
                    .one(work.txn())
                    .await?;
                match found {
                    Some(team) => {
                        work.hand_to_team(None, (team.id, team.name.clone()), " (SLA breached)")
                            .await?;
                        said.push(format!("handed to {}", team.name));
                        told.extend(
                            crate::directory::team_members(work.txn(), team.id)
                                .await?
                                .into_iter()
                                .map(|(id, _)| id),
                        );
                    }
                    None => said.push(format!("no team “{slug}” to hand it to")),
                }
            }
            BreachAction::RaisePriority => {
                let raised = work.priority().raised();
                if raised != work.priority() {
                    work.set_priority(None, raised).await?;
                    said.push(format!(
                        "priority raised to {}",
                        raised.label().to_lowercase()
                    ));
                }
            }
        }
    }
    told.sort_unstable();
    told.dedup();
    let names = crate::directory::user_names(work.txn(), told.iter().copied()).await?;
    if !told.is_empty() {
        let mut listed: Vec<String> = told
            .iter()
            .filter_map(|id| names.get(id).cloned())
            .collect();
        listed.sort();
        said.insert(0, format!("told {}", listed.join(", ")));
    }
    let when = clock.clock.breached_at.map_or_else(String::new, |at| {
        format!(
            " at {} {}",
            moment(at, clock.versions.zone()),
            at.with_timezone(&clock.versions.zone()).format("%Z")
        )
    });
    work.audit(
        None,
        [Change::request(
            work.row().id,
            audit_field(clock.kind),
            Some("running".into()),
            Some("breached".into()),
        )],
    )
    .await?;
    let outcome = if said.is_empty() {
        String::new()
    } else {
        format!(": {}", said.join("; "))
    };
    work.event(
        None,
        EventKind::Updated,
        format!(
            "SLA breached{when}: the {name} clock passed its {}{outcome}.",
            clock.target_text()
        ),
    )
    .await?;
    work.notify(
        NoticeKind::Work,
        told,
        format!(
            "{} {} breached its {name} target",
            work.id(),
            work.row().title
        ),
        format!(
            "It passed its {} ({} used).",
            clock.target_text(),
            duration_text(clock.clock.used)
        ),
    )
    .await
}
