//! The demo's history: a few hundred requests over the last 90 days, made through the same use
//! cases as real ones — submitted, approved or rejected, their tasks taken and done, questions
//! asked and answered, resolved, rated, cancelled, closed automatically — on a replay clock that
//! the seed moves on step by step. So the history carries what real requests carry: timeline,
//! audit rows, approvals, tasks and notices (written as read, mailed to nobody).

use super::DEMO_DOMAIN;
use app::approvals::service::Verdict;
use app::auth::model::{SessionUser, UserId};
use app::auth::service::load_session_user;
use app::db::{approval, catalog_item, request, task, team_member, Clock, Db};
use app::domain::definition::ItemDefinition;
use app::domain::form::{FieldDef, FieldKind, FormDefinition, RawAnswers};
use app::domain::state::RequestState;
use app::domain::tasks::TaskState;
use app::error::{AppError, AppResult};
use app::requests::model::RequestId;
use app::requests::service::{self as requests, StateChange};
use app::tasks::service::TaskAction;
use app::workflow;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

/// How many days the history goes back.
const DAYS: i64 = 90;
/// The demo closes resolved requests a week after they were resolved, as the portal does by
/// default.
const AUTO_CLOSE_DAYS: u32 = 7;
/// The most steps one request takes (enough for two tasks, a question and a rating).
const MOST_STEPS: usize = 14;

const RESOLUTIONS: &[&str] = &[
    "Done. Let us know if anything is not as you expected.",
    "All set: you should have it now.",
    "Sorted. Thanks for the details, they made this quick.",
    "Completed as requested.",
];
const QUESTIONS: &[&str] = &[
    "Could you confirm when you need this by?",
    "Which office should this go to?",
    "Could you tell us a bit more about what you need?",
];
const REPLIES: &[&str] = &[
    "By the end of next week would be great, thanks.",
    "The main office, second floor.",
    "Sure: it is for the project starting next month.",
];
const RATING_COMMENTS: &[&str] = &["Quick and friendly.", "Thanks!", "Took a while, but fine."];

/// A published demo item and what its history needs to know about it.
pub struct DemoItem {
    pub item: catalog_item::Model,
    pub definition: ItemDefinition,
}

/// Plays the history of the demo organisation: `count` requests spread over the last [`DAYS`]
/// days before `now`, oldest first. `people` are everyone's ids.
pub async fn seed_history(
    db: &Db,
    people: &[i64],
    items: &[DemoItem],
    now: DateTime<Utc>,
    count: usize,
) -> AppResult<()> {
    // History has no files behind it: items that need one are not ordered in it. Nor are the
    // general enquiries ("Something else"), whose free text the history could not make up.
    let orderable: Vec<&DemoItem> = items
        .iter()
        .filter(|d| !d.item.general)
        .filter(|d| {
            !d.definition
                .form
                .fields
                .iter()
                .any(|f| f.required && matches!(f.kind, FieldKind::Attachment { .. }))
        })
        .collect();
    let clock = Clock::replay(now - Duration::days(DAYS));
    let mut history = History {
        db: db.with_clock(clock.clone()),
        clock,
        now,
        rng: StdRng::seed_from_u64(20261121),
        people: HashMap::new(),
        members: HashMap::new(),
    };
    let span = DAYS * 24 * 60;
    for i in 0..count {
        let demo = orderable[history.rng.gen_range(0..orderable.len())];
        let requester = people[history.rng.gen_range(0..people.len())];
        // Spread evenly, oldest first, so numbers grow with time as in real data.
        let age = span - (i as i64 * span) / count as i64 - history.rng.gen_range(0..60);
        let created = now - Duration::minutes(age.max(30));
        history.play(demo, people, requester, created).await?;
    }
    // The open requests' warnings and breaches up to now are acted on as history too (their
    // notices read), not as a flood of news on the first start.
    history.clock.set(now);
    app::workflow::escalations::escalate(&history.db, now).await?;
    Ok(())
}

struct History {
    /// The database on the replay clock.
    db: Db,
    clock: Clock,
    /// The real time: history stops short of it.
    now: DateTime<Utc>,
    rng: StdRng,
    people: HashMap<i64, SessionUser>,
    members: HashMap<i64, Vec<i64>>,
}

/// The request as a step finds it.
struct Seen {
    id: RequestId,
    state: RequestState,
    version: i32,
    requester: i64,
    rated: bool,
}

impl History {
    async fn person(&mut self, id: i64) -> AppResult<SessionUser> {
        if let Some(person) = self.people.get(&id) {
            return Ok(person.clone());
        }
        let person = load_session_user(&self.db.conn, UserId(id))
            .await?
            .ok_or_else(|| history_error(format!("person {id} is not active")))?;
        self.people.insert(id, person.clone());
        Ok(person)
    }

    /// Someone of the team who works on its requests.
    async fn member_of(&mut self, team: i64) -> AppResult<SessionUser> {
        if !self.members.contains_key(&team) {
            let ids: Vec<i64> = team_member::Entity::find()
                .filter(team_member::Column::TeamId.eq(team))
                .order_by_asc(team_member::Column::UserId)
                .all(&self.db.conn)
                .await?
                .into_iter()
                .map(|m| m.user_id)
                .collect();
            self.members.insert(team, ids);
        }
        let ids = &self.members[&team];
        if ids.is_empty() {
            return Err(history_error(format!("team {team} has no members")));
        }
        let id = ids[self.rng.gen_range(0..ids.len())];
        self.person(id).await
    }

    /// Submits one request at `created` and lets people act on it, a while apart each time,
    /// until nothing is left to do or the present is reached.
    async fn play(
        &mut self,
        demo: &DemoItem,
        people: &[i64],
        requester: i64,
        created: DateTime<Utc>,
    ) -> AppResult<()> {
        self.clock.set(created);
        let id = self.submit(demo, people, requester, created).await?;
        // Some requests move within hours, some wait days between steps: recent ones are
        // still open, as in a real portal.
        let pace = [2, 6, 24, 72, 120][self.rng.gen_range(0..5)];
        let mut at = created;
        for _ in 0..MOST_STEPS {
            at += Duration::minutes(self.rng.gen_range(20..(pace * 60 + 60)));
            if at >= self.now {
                return Ok(());
            }
            self.clock.set(at);
            match self.step(demo, id).await {
                Ok(true) => {}
                Ok(false) => break,
                // What a person would be told, and left there: a stage nobody can approve
                // waits for the department to name an approver.
                Err(AppError::Conflict(message)) => {
                    tracing::debug!(%id, message, "the demo's history left a request waiting");
                    return Ok(());
                }
                Err(e) => return Err(e),
            }
        }
        self.close_when_due(id).await
    }

    /// Submits the item for the first person, from `requester` on, whom its audience allows.
    async fn submit(
        &mut self,
        demo: &DemoItem,
        people: &[i64],
        requester: i64,
        created: DateTime<Utc>,
    ) -> AppResult<RequestId> {
        let form = &demo.definition.form;
        let raw = to_raw(
            form,
            &sample_answers(form, created.date_naive(), &mut self.rng),
        );
        let first = people.iter().position(|p| *p == requester).unwrap_or(0);
        for n in 0..people.len() {
            let person = self.person(people[(first + n) % people.len()]).await?;
            match requests::submit(&self.db, &person, &demo.item.slug, raw.clone()).await {
                Ok(id) => return Ok(id),
                // Not in the item's audience: the next person orders it.
                // Not in the item's audience, or nobody could approve it for this person (a
                // department head asking their own department): the next person orders it.
                Err(
                    AppError::Forbidden
                    | AppError::NotAllowed(_)
                    | AppError::NotFound(_)
                    | AppError::Conflict(_),
                ) => continue,
                Err(e) => {
                    return Err(history_error(format!(
                        "{} could not be ordered: {e:?}",
                        demo.item.slug
                    )))
                }
            }
        }
        Err(history_error(format!(
            "nobody may order {}",
            demo.item.slug
        )))
    }

    async fn seen(&self, id: RequestId) -> AppResult<Seen> {
        let row = request::Entity::find_by_id(id.0)
            .one(&self.db.conn)
            .await?
            .ok_or_else(|| history_error(format!("{id} vanished")))?;
        Ok(Seen {
            id,
            state: row
                .state
                .parse()
                .map_err(|e: String| history_error(format!("{id}: {e}")))?,
            version: row.version,
            requester: row.requester_id,
            rated: row.rating.is_some(),
        })
    }

    /// One person acts on the request, as its state invites. False when nobody has anything
    /// left to do.
    async fn step(&mut self, demo: &DemoItem, id: RequestId) -> AppResult<bool> {
        let seen = self.seen(id).await?;
        match seen.state {
            RequestState::AwaitingApproval => self.decide(&seen).await?,
            RequestState::Submitted | RequestState::Approved => {
                if self.rng.gen_bool(0.06) {
                    let requester = self.person(seen.requester).await?;
                    self.change(&requester, &seen, RequestState::Cancelled, None)
                        .await?;
                } else {
                    let agent = self.member_of(demo.item.team_id).await?;
                    self.change(&agent, &seen, RequestState::InFulfilment, None)
                        .await?;
                }
            }
            RequestState::InFulfilment => self.fulfil(demo, &seen).await?,
            RequestState::WaitingOnRequester => {
                let requester = self.person(seen.requester).await?;
                let reply = pick(&mut self.rng, REPLIES);
                requests::add_comment(&self.db, &requester, id, reply, false, &[]).await?;
            }
            RequestState::Resolved => {
                if !seen.rated && self.rng.gen_bool(0.45) {
                    let requester = self.person(seen.requester).await?;
                    let score = [5, 5, 5, 4, 4, 3, 2][self.rng.gen_range(0..7)];
                    let comment = self
                        .rng
                        .gen_bool(0.5)
                        .then(|| pick(&mut self.rng, RATING_COMMENTS).to_owned());
                    requests::rate(&self.db, &requester, id, score, comment).await?;
                }
                return Ok(false);
            }
            RequestState::Rejected | RequestState::Cancelled | RequestState::Closed => {
                return Ok(false)
            }
        }
        Ok(true)
    }

    /// An approver of the waiting stage decides: most approve, some reject, with a reason.
    async fn decide(&mut self, seen: &Seen) -> AppResult<()> {
        let waiting = approval::Entity::find()
            .filter(approval::Column::RequestId.eq(seen.id.0))
            .filter(approval::Column::Decision.is_null())
            .order_by_asc(approval::Column::Id)
            .one(&self.db.conn)
            .await?
            .ok_or_else(|| history_error(format!("{} awaits no approval", seen.id)))?;
        let approver = self.person(waiting.approver_id).await?;
        let verdict = if self.rng.gen_bool(0.85) {
            Verdict {
                approve: true,
                comment: None,
            }
        } else {
            Verdict {
                approve: false,
                comment: Some("Not this quarter: the budget is spent.".into()),
            }
        };
        workflow::decide_approval(&self.db, &approver, waiting.id, verdict).await?;
        Ok(())
    }

    /// The request's open tasks are taken and done; a request without tasks is worked whole by
    /// an agent, who sometimes asks the requester something first.
    async fn fulfil(&mut self, demo: &DemoItem, seen: &Seen) -> AppResult<()> {
        let open = task::Entity::find()
            .filter(task::Column::RequestId.eq(seen.id.0))
            .filter(task::Column::State.eq(TaskState::Open.as_str()))
            .order_by_asc(task::Column::Position)
            .one(&self.db.conn)
            .await?;
        if let Some(open) = open {
            let (person, action) = match open.assignee_id {
                Some(assignee) => (
                    self.person(assignee).await?,
                    TaskAction::Complete { note: None },
                ),
                None => (self.member_of(open.team_id).await?, TaskAction::Take),
            };
            workflow::act_on_task(&self.db, &person, open.id, open.version, action).await?;
            return Ok(());
        }
        let agent = self.member_of(demo.item.team_id).await?;
        if self.rng.gen_bool(0.15) {
            let question = pick(&mut self.rng, QUESTIONS).to_owned();
            self.change(
                &agent,
                seen,
                RequestState::WaitingOnRequester,
                Some(question),
            )
            .await
        } else {
            let resolution = pick(&mut self.rng, RESOLUTIONS).to_owned();
            self.change(&agent, seen, RequestState::Resolved, Some(resolution))
                .await
        }
    }

    async fn change(
        &mut self,
        person: &SessionUser,
        seen: &Seen,
        to: RequestState,
        note: Option<String>,
    ) -> AppResult<()> {
        let change = StateChange {
            to,
            expected_version: seen.version,
            note,
        };
        requests::change_state(&self.db, person, seen.id, change).await?;
        Ok(())
    }

    /// A resolved request closes by itself [`AUTO_CLOSE_DAYS`] after it was resolved, as the
    /// workflow's clock does, when that time has come.
    async fn close_when_due(&mut self, id: RequestId) -> AppResult<()> {
        let row = request::Entity::find_by_id(id.0)
            .one(&self.db.conn)
            .await?
            .ok_or_else(|| history_error(format!("{id} vanished")))?;
        let Some(resolved) = row
            .resolved_at
            .filter(|_| row.state == RequestState::Resolved.as_str())
        else {
            return Ok(());
        };
        let due = resolved + Duration::days(i64::from(AUTO_CLOSE_DAYS)) + Duration::minutes(1);
        if due < self.now {
            self.clock.set(due);
            workflow::close_resolved(&self.db, AUTO_CLOSE_DAYS, due).await?;
        }
        Ok(())
    }
}

fn pick<'a>(rng: &mut StdRng, from: &[&'a str]) -> &'a str {
    from[rng.gen_range(0..from.len())]
}

fn history_error(e: impl std::fmt::Display) -> AppError {
    app::error::internal("the demo's history", e)
}

/// A stored answer written back as a browser would post it.
pub fn to_raw(definition: &FormDefinition, answers: &serde_json::Value) -> RawAnswers {
    let answers: app::domain::form::Answers = answers
        .as_object()
        .map(|o| o.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    app::domain::form::answers_to_raw(definition, &answers)
}

/// Plausible answers for a form, valid against its definition and its rules.
pub fn sample_answers(
    definition: &FormDefinition,
    today: NaiveDate,
    rng: &mut impl Rng,
) -> serde_json::Value {
    // Some draws cannot be mended (a number of working days between two dates on one
    // weekend): those are drawn again from the start.
    let mut answers = serde_json::Value::Null;
    for _ in 0..20 {
        let (drawn, accepted) = draw_answers(definition, today, rng);
        answers = drawn;
        if accepted {
            break;
        }
    }
    answers
}

/// One draw of answers, and whether the form's rules accept it.
fn draw_answers(
    definition: &FormDefinition,
    today: NaiveDate,
    rng: &mut impl Rng,
) -> (serde_json::Value, bool) {
    let mut answers = serde_json::Map::new();
    for field in &definition.fields {
        if !field.required && rng.gen_bool(0.4) {
            continue;
        }
        let value = sample_value(field, today, rng);
        if !value.is_null() {
            answers.insert(field.key.clone(), value);
        }
    }
    // Apply the rules as the form would: no answers to hidden fields, and answers to fields a
    // rule made required.
    let state = definition.evaluate(&to_raw(
        definition,
        &serde_json::Value::Object(answers.clone()),
    ));
    for field in &definition.fields {
        match state.get(&field.key) {
            Some(s) if !s.visible => {
                answers.remove(&field.key);
            }
            Some(s)
                if s.required
                    && !answers.contains_key(&field.key)
                    && field.kind != FieldKind::Section =>
            {
                answers.insert(field.key.clone(), sample_value(field, today, rng));
            }
            _ => {}
        }
    }
    // An answer a rule refuses (a cross-field check such as "the last day is on or after the
    // first") is drawn again until the form takes it; a refused number is drawn smaller ("no
    // more days than the working days between the dates").
    for _ in 0..50 {
        let state = definition.evaluate(&to_raw(
            definition,
            &serde_json::Value::Object(answers.clone()),
        ));
        let refused: Vec<&FieldDef> = definition
            .fields
            .iter()
            .filter(|f| state.get(&f.key).is_some_and(|s| s.refused.is_some()))
            .collect();
        if refused.is_empty() {
            return (serde_json::Value::Object(answers), true);
        }
        for field in refused {
            let smaller = match (
                &field.kind,
                answers.get(&field.key).and_then(|v| v.as_f64()),
            ) {
                (FieldKind::Number { min, step, .. }, Some(now)) => {
                    let lo = min.unwrap_or(0.0);
                    let s = step.unwrap_or(1.0).max(0.01);
                    let steps = ((now - lo) / s).floor().max(0.0) as u64;
                    (steps > 0).then(|| {
                        serde_json::json!(
                            ((lo + s * rng.gen_range(0..steps) as f64) * 100.0).round() / 100.0
                        )
                    })
                }
                _ => None,
            };
            let value = smaller.unwrap_or_else(|| sample_value(field, today, rng));
            answers.insert(field.key.clone(), value);
        }
    }
    (serde_json::Value::Object(answers), false)
}

fn sample_value(field: &FieldDef, today: NaiveDate, rng: &mut impl Rng) -> serde_json::Value {
    match &field.kind {
        FieldKind::ShortText {
            min_length,
            max_length,
            ..
        } => {
            // Letters, digits and spaces only, so that simple patterns accept it too.
            let mut text: String = format!("{} demo", field.label)
                .chars()
                .filter(|c| c.is_alphanumeric() || *c == ' ')
                .take(max_length.unwrap_or(200) as usize)
                .collect();
            while text.chars().count() < min_length.unwrap_or(0) as usize {
                text.push('x');
            }
            serde_json::json!(text.trim_end())
        }
        FieldKind::LongText { .. } => {
            serde_json::json!("Details provided by the requester for this demo request.")
        }
        FieldKind::Number { min, max, step } => {
            let lo = min.unwrap_or(0.0);
            let hi = max.unwrap_or(lo + 100.0).min(lo + 50.0);
            let s = step.unwrap_or(1.0).max(0.01);
            let steps = ((hi - lo) / s).floor().max(0.0) as u64;
            serde_json::json!(((lo + s * rng.gen_range(0..=steps) as f64) * 100.0).round() / 100.0)
        }
        FieldKind::Date { .. } => serde_json::json!((today + Duration::days(rng.gen_range(1..30)))
            .format("%Y-%m-%d")
            .to_string()),
        FieldKind::Select { options, .. } => {
            serde_json::json!(options[rng.gen_range(0..options.len())].value)
        }
        // Demo history has no files behind it.
        FieldKind::Attachment { .. } => serde_json::Value::Null,
        FieldKind::Group {
            fields, min_rows, ..
        } => {
            let least = min_rows.unwrap_or(1).max(1);
            let rows = rng.gen_range(least..=least + 1);
            serde_json::Value::Array(
                (0..rows)
                    .map(|_| {
                        serde_json::Value::Object(
                            fields
                                .iter()
                                .filter_map(|sub| {
                                    let v = sample_value(sub, today, rng);
                                    (!v.is_null()).then(|| (sub.key.clone(), v))
                                })
                                .collect(),
                        )
                    })
                    .collect(),
            )
        }
        FieldKind::Checkbox => serde_json::json!(field.required || rng.gen_bool(0.5)),
        FieldKind::YesNo => serde_json::json!(rng.gen_bool(0.5)),
        FieldKind::Email => serde_json::json!(format!("someone@{DEMO_DOMAIN}")),
        FieldKind::Money { min, max, .. } => {
            let lo = min.unwrap_or(1.0).max(1.0);
            let hi = max.unwrap_or(lo + 500.0).min(lo + 500.0);
            serde_json::json!(((rng.gen_range(lo..=hi)) * 100.0).round() / 100.0)
        }
        FieldKind::DateTime { .. } => serde_json::json!((today
            + Duration::days(rng.gen_range(1..30)))
        .format("%Y-%m-%dT10:30")
        .to_string()),
        FieldKind::Section => serde_json::Value::Null,
        FieldKind::Department => serde_json::json!("it"),
        FieldKind::User => serde_json::json!(format!("emma.clark@{DEMO_DOMAIN}")),
        FieldKind::MultiSelect { options, .. } => {
            serde_json::json!([options[rng.gen_range(0..options.len())].value])
        }
    }
}
