//! The `requests` table. Besides what a request is, its row keeps what the leadership metrics
//! know about it (`domain::metrics::Facts`) as its last commit computed them: the request
//! kernel reads the row under its lock and writes it at commit anyway, so the next change reads
//! its facts "before" for free, and the drill-down lists walk the same row.

use crate::domain::metrics::{Facts, Key};
use crate::domain::state::RequestState;
use sea_orm::entity::prelude::*;
use sea_orm::Value;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub item_id: i64,
    pub item_version_id: i64,
    pub department_id: i64,
    pub team_id: Option<i64>,
    pub requester_id: i64,
    pub requested_for_id: i64,
    pub assignee_id: Option<i64>,
    pub title: String,
    pub state: String,
    pub priority: String,
    #[sea_orm(column_type = "Text")]
    pub answers: String,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub resolved_at: Option<DateTimeUtc>,
    /// The requester's rating of the service, 1–5, given once on resolution.
    pub rating: Option<i16>,
    pub rating_comment: Option<String>,
    pub rated_at: Option<DateTimeUtc>,
    /// When the requester replied with nobody on the service desk answering since.
    pub requester_replied_at: Option<DateTimeUtc>,
    /// Of a confidential item: not read by leadership (see `requests::access`).
    pub confidential: bool,
    /// Ordered by someone for someone else (`requester_id` ≠ `requested_for_id`).
    pub on_behalf: bool,
    /// The nearest due time among the request's counting SLA clocks (see `request_clocks`).
    pub due_at: Option<DateTimeUtc>,
    /// The most urgent state of its SLA clocks (`domain::clock::ClockState::as_str`).
    pub sla_state: Option<String>,
    /// The metric facts below are those of the request's last commit (false: not computed yet,
    /// e.g. a request from before they were kept; the start-up rebuilds them).
    pub facts_kept: bool,
    /// When it was rejected or cancelled (of a request that is).
    pub cancelled_at: Option<DateTimeUtc>,
    pub reopens: i32,
    pub reassignments: i32,
    /// Different people of the service desk who acted on it.
    pub desk_people: i32,
    /// Business minutes of its stopped resolution clock.
    pub resolve_business: Option<i64>,
    /// Its first response, and the response clock's business minutes then.
    pub response_at: Option<DateTimeUtc>,
    pub response_minutes: Option<i64>,
    /// When its first response clock stopped, and whether it was met.
    pub response_sla_at: Option<DateTimeUtc>,
    pub response_sla_met: Option<bool>,
    /// When its resolution clock stopped, and whether it was met.
    pub resolution_sla_at: Option<DateTimeUtc>,
    pub resolution_sla_met: Option<bool>,
    /// When its time awaiting approval ended, and how many minutes it was.
    pub approval_at: Option<DateTimeUtc>,
    pub approval_minutes: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

fn both<A, B>(a: Option<A>, b: Option<B>) -> Option<(A, B)> {
    a.zip(b)
}

impl Model {
    /// The metric facts its last commit kept (`None` when none were kept, or its state is not
    /// one Atrium knows: then they are computed from its history).
    pub fn facts(&self) -> Option<Facts> {
        if !self.facts_kept {
            return None;
        }
        Some(Facts {
            key: Key {
                department_id: self.department_id,
                team_id: self.team_id.unwrap_or(0),
                item_id: self.item_id,
                priority: self.priority.clone(),
            },
            created: self.created_at,
            state: self.state.parse::<RequestState>().ok()?,
            resolved_at: self.resolved_at,
            cancelled_at: self.cancelled_at,
            reopens: u32::try_from(self.reopens).ok()?,
            reassignments: u32::try_from(self.reassignments).ok()?,
            desk_people: u32::try_from(self.desk_people).ok()?,
            rating: self.rating,
            resolve_business: self.resolve_business,
            response: both(self.response_at, self.response_minutes),
            sla: [
                both(self.response_sla_at, self.response_sla_met),
                both(self.resolution_sla_at, self.resolution_sla_met),
            ],
            approval: both(self.approval_at, self.approval_minutes),
        })
    }
}

/// The columns that keep `f` beyond what the row says itself (its key, state and times are
/// the row's own), with their values.
pub fn fact_columns(f: &Facts) -> [(Column, Value); 14] {
    let count = |n: u32| Value::from(i32::try_from(n).unwrap_or(i32::MAX));
    [
        (Column::FactsKept, true.into()),
        (Column::CancelledAt, f.cancelled_at.into()),
        (Column::Reopens, count(f.reopens)),
        (Column::Reassignments, count(f.reassignments)),
        (Column::DeskPeople, count(f.desk_people)),
        (Column::ResolveBusiness, f.resolve_business.into()),
        (Column::ResponseAt, f.response.map(|r| r.0).into()),
        (Column::ResponseMinutes, f.response.map(|r| r.1).into()),
        (Column::ResponseSlaAt, f.sla[0].map(|s| s.0).into()),
        (Column::ResponseSlaMet, f.sla[0].map(|s| s.1).into()),
        (Column::ResolutionSlaAt, f.sla[1].map(|s| s.0).into()),
        (Column::ResolutionSlaMet, f.sla[1].map(|s| s.1).into()),
        (Column::ApprovalAt, f.approval.map(|a| a.0).into()),
        (Column::ApprovalMinutes, f.approval.map(|a| a.1).into()),
    ]
}

/// The facts a request's row holds as it is inserted (`facts_kept` is set then: they are kept
/// at the commit of the same transaction): nothing has happened to it yet.
pub fn as_inserted(f: &Facts) -> Facts {
    Facts {
        cancelled_at: None,
        reopens: 0,
        reassignments: 0,
        desk_people: 0,
        resolve_business: None,
        response: None,
        sla: [None, None],
        approval: None,
        ..f.clone()
    }
}

/// The fact columns a commit writes when the facts go from `before` (none: not kept) to
/// `after`: only those that changed, so an index on an unchanged time is not touched.
pub fn fact_changes(before: Option<&Facts>, after: &Facts) -> Vec<(Column, Value)> {
    let after = fact_columns(after);
    match before {
        None => after.into(),
        Some(before) => after
            .into_iter()
            .zip(fact_columns(before))
            .filter(|((_, a), (_, b))| a != b)
            .map(|(a, _)| a)
            .collect(),
    }
}

/// Rows per statement of [`keep_facts`]: 15 values each, within every database's limit of
/// bound values (SQLite 32,766).
const FACT_ROWS_PER_STATEMENT: usize = 2_000;

/// Keeps the facts of many requests (a rebuild): one statement per 2,000 requests, updating
/// their rows from a list of values (`WITH v(…) AS (VALUES …) UPDATE … FROM v`, which SQLite
/// and PostgreSQL both read).
pub async fn keep_facts(db: &impl ConnectionTrait, facts: &[(i64, Facts)]) -> Result<(), DbErr> {
    use sea_orm::sea_query::Iden;
    use sea_orm::{DatabaseBackend, Statement};
    let backend = db.get_database_backend();
    let Some((_, first)) = facts.first() else {
        return Ok(());
    };
    let names: Vec<String> = fact_columns(first)
        .iter()
        .map(|(c, _)| c.to_string())
        .collect();
    let set = names
        .iter()
        .map(|n| format!("{n} = v.{n}"))
        .collect::<Vec<_>>()
        .join(", ");
    for chunk in facts.chunks(FACT_ROWS_PER_STATEMENT) {
        let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * (names.len() + 1));
        let mut rows = Vec::with_capacity(chunk.len());
        for (id, f) in chunk {
            let mut row = Vec::with_capacity(names.len() + 1);
            for value in
                std::iter::once(Value::from(*id)).chain(fact_columns(f).into_iter().map(|(_, v)| v))
            {
                values.push(value);
                row.push(match backend {
                    DatabaseBackend::Postgres => format!("${}", values.len()),
                    _ => "?".to_owned(),
                });
            }
            rows.push(format!("({})", row.join(", ")));
        }
        let sql = format!(
            "WITH v(id, {}) AS (VALUES {}) UPDATE requests SET {set} FROM v \
             WHERE requests.id = v.id",
            names.join(", "),
            rows.join(", ")
        );
        db.execute_raw(Statement::from_sql_and_values(backend, sql, values))
            .await?;
    }
    Ok(())
}
