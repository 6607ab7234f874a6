//! (ssr) Creating, reading, listing and changing requests.

use super::kernel::{EventKind, NoticeKind, RequestWork};
use super::model::{
    MyRequestLine, MyWork, RequestDetail, RequestId, TimelineEntry, TimelineKind, FOR_KEY,
};
use crate::auth::model::SessionUser;
use crate::catalog::service::{find_orderable_item, parse_definition};
use crate::db::{comment, department, item_version, literal, request, request_event, user, Db};
use crate::domain::form::{validate_answers, Answers, RawAnswers};
use crate::domain::state::{Priority, RequestState};
use crate::error::{internal, AppError, AppResult};
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use std::collections::HashMap;

/// Rows per page of the request lists.
pub const PAGE_SIZE: u64 = 25;
/// Longest comment accepted.
pub const COMMENT_LIMIT: usize = 10_000;

pub(crate) fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Validates and stores a new request, with its first event, in one transaction.
pub async fn submit(
    db: &Db,
    requester: &SessionUser,
    item_slug: &str,
    raw: RawAnswers,
) -> AppResult<RequestId> {
    submit_for(db, requester, item_slug, raw, None).await
}

/// Who a request is for, named by email: an active person in the directory who may order the
/// item. `None` (or the requester's own email) is the requester.
async fn person_it_is_for(
    db: &Db,
    requester: &SessionUser,
    email: Option<&str>,
    raw: &RawAnswers,
) -> AppResult<Option<SessionUser>> {
    let Some(email) = email.map(str::trim).filter(|e| !e.is_empty()) else {
        return Ok(None);
    };
    if email.eq_ignore_ascii_case(&requester.email) {
        return Ok(None);
    }
    let refused = |message: String| {
        let mut answers = raw.clone();
        answers.insert(FOR_KEY.to_owned(), email.to_owned());
        AppError::InvalidForm {
            errors: [(FOR_KEY.to_owned(), message)].into(),
            answers,
        }
    };
    let found = crate::directory::active_user_by_email(&db.conn, email).await?;
    let Some(found) = found else {
        return Err(refused(format!(
            "Nobody in the directory has the email “{email}”: choose the person from the list."
        )));
    };
    crate::auth::service::load_session_user(&db.conn, crate::ids::UserId(found.id))
        .await?
        .map(Some)
        .ok_or_else(|| refused(format!("“{email}” cannot be ordered for.")))
}

/// Validates and stores a new request, with its first event, in one transaction; `for_whom`
/// (an email) orders it for someone else, who then sees it as theirs and hears of it.
pub async fn submit_for(
    db: &Db,
    requester: &SessionUser,
    item_slug: &str,
    raw: RawAnswers,
    for_whom: Option<&str>,
) -> AppResult<RequestId> {
    let (item, version) = find_orderable_item(&db.conn, item_slug).await?;
    crate::catalog::service::check_audience(&db.conn, requester, &item).await?;
    let for_person = person_it_is_for(db, requester, for_whom, &raw).await?;
    if let Some(person) = &for_person {
        // They must be someone the item is offered to: a refusal is said on the "for" field;
        // any other failure is an error of its own.
        match crate::catalog::service::check_audience(&db.conn, person, &item).await {
            Err(AppError::NotAllowed(_)) => {
                let mut answers = raw.clone();
                answers.insert(FOR_KEY.to_owned(), person.email.clone());
                return Err(AppError::InvalidForm {
                    errors: [(
                        FOR_KEY.to_owned(),
                        format!(
                            "{} cannot order “{}”: it is not offered to them.",
                            person.name, item.name
                        ),
                    )]
                    .into(),
                    answers,
                });
            }
            other => other?,
        }
    }
    let definition = parse_definition(&version)?;
    let answers: Answers = validate_answers(&definition.form, &raw, db.now().date_naive())
        .map_err(|errors| AppError::InvalidForm {
            errors,
            answers: raw.clone(),
        })?;
    let mut reference_errors =
        crate::catalog::service::check_references(&db.conn, &definition.form, &answers).await?;
    let uploads =
        crate::attachments::service::check_uploads(&db.conn, requester, &definition.form, &answers)
            .await?;
    let named = crate::approvals::service::check_named_approvers(
        &db.conn,
        &definition,
        requester,
        &raw,
        &answers,
    )
    .await?;
    for (key, message) in uploads.into_iter().chain(named) {
        reference_errors.entry(key).or_insert(message);
    }
    if !reference_errors.is_empty() {
        return Err(AppError::InvalidForm {
            errors: reference_errors,
            answers: raw,
        });
    }
    let answers_json = serde_json::to_string(&answers).map_err(|e| internal("answers", e))?;
    let mut work = RequestWork::create(
        db,
        request::ActiveModel {
            item_id: Set(item.id),
            item_version_id: Set(version.id),
            department_id: Set(item.department_id),
            team_id: Set(Some(item.team_id)),
            requester_id: Set(requester.id.0),
            requested_for_id: Set(for_person.as_ref().map_or(requester.id.0, |p| p.id.0)),
            on_behalf: Set(for_person.is_some()),
            assignee_id: Set(None),
            title: Set(item.name.clone()),
            priority: Set(crate::domain::form::priority_from_answers(
                &definition.form.fields,
                &answers,
            )
            .unwrap_or(Priority::Medium)
            .as_str()
            .to_owned()),
            answers: Set(answers_json),
            confidential: Set(item.confidential),
            ..Default::default()
        },
    )
    .await?;
    let id = work.id();
    crate::attachments::service::bind_uploads(
        work.txn(),
        requester,
        id.0,
        &definition.form,
        &answers,
    )
    .await?;
    // The person it is for follows it from the start.
    if let Some(person) = &for_person {
        crate::notifications::service::add_watcher(work.txn(), id.0, person.id.0, work.now())
            .await?;
        work.notify(
            NoticeKind::Progress,
            [person.id.0],
            format!("{} ordered {} for you", requester.name, item.name),
            format!("{id}: you can follow it in My requests."),
        )
        .await?;
    }
    // An item with an approval plan waits for its first applicable stage; one without goes
    // straight to its fulfilment tasks, if it has any.
    if crate::approvals::service::start(&work, &definition, &raw, &answers).await? {
        work.transition(RequestState::AwaitingApproval, None, "")
            .await?;
    } else if crate::tasks::service::start(&work, &definition).await? {
        work.transition(RequestState::InFulfilment, None, "")
            .await?;
    }
    crate::workflow::commit(work).await?;
    tracing::info!(request = id.0, item = %item.slug, on_behalf = for_person.is_some(), "request submitted");
    Ok(id)
}

pub(crate) fn parse_state(row: &request::Model) -> AppResult<RequestState> {
    row.state
        .parse()
        .map_err(|e: String| internal(&format!("request {} state", row.id), e))
}

pub use super::access::{access, access_in, Access};

async fn load_visible(
    db: &impl ConnectionTrait,
    user: &SessionUser,
    id: RequestId,
) -> AppResult<(request::Model, Access)> {
    let row = request::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("Request {id}")))?;
    let access = access_in(db, user, &row).await?;
    Ok((row, access))
}

/// Transitions a user with this access may make from `state`.
pub fn allowed_actions(access: Access, state: RequestState) -> Vec<RequestState> {
    use RequestState::*;
    match access {
        // Approval decisions go through the approval engine, not these buttons.
        Access::Agent => state
            .next_states()
            .iter()
            .copied()
            .filter(|s| !matches!(s, Approved | AwaitingApproval | Rejected))
            .collect(),
        // The requester may cancel, and reopen a resolved request ("it's not fixed") until
        // it closes.
        Access::Requester => state
            .next_states()
            .iter()
            .copied()
            .filter(|s| *s == Cancelled || (state == Resolved && *s == InFulfilment))
            .collect(),
        Access::Reader | Access::Collaborator => Vec::new(),
    }
}

pub(crate) async fn department_names(db: &impl ConnectionTrait) -> AppResult<HashMap<i64, String>> {
    Ok(department::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, d.name))
        .collect())
}

/// The request page's data, for a user allowed to see it.
pub async fn detail(db: &Db, user: &SessionUser, id: RequestId) -> AppResult<RequestDetail> {
    detail_with_draft(db, user, id, None).await
}

/// [`detail`], with the reply box filled from the department's reply template `template`
/// (for those who work in the department).
pub async fn detail_with_draft(
    db: &Db,
    user: &SessionUser,
    id: RequestId,
    template: Option<i64>,
) -> AppResult<RequestDetail> {
    let conn = &db.conn;
    let (row, access) = load_visible(conn, user, id).await?;
    let state = parse_state(&row)?;
    let version = item_version::Entity::find_by_id(row.item_version_id)
        .one(conn)
        .await?
        .ok_or_else(|| internal("request item version", row.id))?;
    let form = parse_definition(&version)?.form;
    let item_slug = crate::db::catalog_item::Entity::find_by_id(row.item_id)
        .one(conn)
        .await?
        .map(|i| i.slug)
        .unwrap_or_default();
    let answers: std::collections::BTreeMap<String, serde_json::Value> =
        serde_json::from_str(&row.answers).map_err(|e| internal("request answers", e))?;
    let answer_lines = answer_lines(conn, &form, &answers).await?;

    let events = request_event::Entity::find()
        .filter(request_event::Column::RequestId.eq(row.id))
        .order_by_asc(request_event::Column::Id)
        .all(conn)
        .await?;
    let sees_internal = access.works_on();
    let mut comments = comment::Entity::find().filter(comment::Column::RequestId.eq(row.id));
    if !sees_internal {
        comments = comments.filter(comment::Column::Internal.eq(false));
    }
    let comments = comments.order_by_asc(comment::Column::Id).all(conn).await?;

    let names = crate::directory::user_names(
        conn,
        [row.requester_id, row.requested_for_id]
            .into_iter()
            .chain(row.assignee_id)
            .chain(events.iter().filter_map(|e| e.actor_id))
            .chain(comments.iter().map(|c| c.author_id)),
    )
    .await?;
    let name_of = |id: Option<i64>| {
        id.and_then(|id| names.get(&id).cloned())
            .unwrap_or_else(|| "Atrium".to_owned())
    };

    let question = if access == Access::Requester && state == RequestState::WaitingOnRequester {
        question(&row, &events, &comments, &name_of)
    } else {
        None
    };
    let mut timeline: Vec<(DateTime<Utc>, TimelineEntry)> = events
        .iter()
        .filter_map(|e| event_entry(e, &name_of, sees_internal))
        .collect();
    timeline.extend(comment_entries(conn, row.id, comments, &name_of).await?);
    // Stable: events and comments at the same instant keep their insertion order.
    timeline.sort_by_key(|(at, _)| *at);

    let department = department::Entity::find_by_id(row.department_id)
        .one(conn)
        .await?
        .map(|d| d.name)
        .unwrap_or_default();
    let tasks = crate::tasks::service::for_request(conn, user, &row, sees_internal).await?;
    Ok(RequestDetail {
        id: RequestId(row.id),
        title: row.title.clone(),
        item_slug,
        item_version: version.version,
        state,
        priority: row.priority.parse().unwrap_or(Priority::Medium),
        department,
        requester: name_of(Some(row.requester_id)),
        requested_for: name_of(Some(row.requested_for_id)),
        owner: row.assignee_id.map(|id| name_of(Some(id))),
        owner_is_viewer: row.assignee_id == Some(user.id.0),
        replied: row.requester_replied_at.is_some(),
        owners: if access == Access::Agent && !state.is_final() {
            crate::directory::department_agents(conn, row.department_id).await?
        } else {
            Vec::new()
        },
        created_at: timestamp(row.created_at),
        updated_at: timestamp(row.updated_at),
        version: row.version,
        form,
        answers,
        answer_lines,
        approvals: crate::approvals::service::for_request(conn, user, row.id).await?,
        destinations: if tasks.iter().any(|t| t.may_route) {
            crate::tasks::service::destinations(conn).await?
        } else {
            Vec::new()
        },
        tasks,
        rating: row.rating.map(|score| crate::tasks::model::Rating {
            score: score.clamp(1, 5) as u8,
            comment: row.rating_comment.clone(),
            at: row.rated_at.map(timestamp).unwrap_or_default(),
        }),
        watching: crate::notifications::service::is_watching(conn, row.id, user.id.0).await?,
        audit: if sees_internal {
            super::audit::trail(conn, RequestId(row.id)).await?
        } else {
            Vec::new()
        },
        may_rate: row.rating.is_none()
            && row.requester_id == user.id.0
            && matches!(state, RequestState::Resolved | RequestState::Closed),
        timeline: timeline.into_iter().map(|(_, entry)| entry).collect(),
        question,
        confidential: row.confidential,
        links: super::links::links_of(conn, user, &row).await?,
        may_link: access == Access::Agent,
        requester_context: if access == Access::Agent {
            super::requester::context(conn, &row).await?
        } else {
            None
        },
        templates: if access == Access::Agent {
            super::templates::choices(conn, row.department_id).await?
        } else {
            Vec::new()
        },
        reply_draft: match template {
            Some(template) if access == Access::Agent => {
                let facts = crate::domain::templates::Facts {
                    requester: &name_of(Some(row.requested_for_id)),
                    number: &RequestId(row.id).to_string(),
                    title: &row.title,
                    agent: &user.name,
                };
                super::templates::filled(conn, row.department_id, template, &facts).await?
            }
            _ => None,
        },
        viewer_administers: user.administers(crate::auth::model::DepartmentId(row.department_id)),
        clocks: {
            let now = db.now();
            let zone = user.time_zone.parse().unwrap_or(chrono_tz::Tz::UTC);
            let priority = row.priority.parse().unwrap_or(Priority::Medium);
            crate::sla::clocks::compute_all(conn, &row, priority, now)
                .await?
                .iter()
                .map(|c| crate::sla::clocks::view(c, zone, now))
                .collect()
        },
        actions: allowed_actions(access, state),
        viewer_is_agent: sees_internal,
    })
}

/// What a request waiting on its requester asks: who set it waiting, and the last public
/// comment someone other than the requester wrote up to then.
fn question(
    row: &request::Model,
    events: &[request_event::Model],
    comments: &[comment::Model],
    name_of: &impl Fn(Option<i64>) -> String,
) -> Option<super::model::Question> {
    let waiting = RequestState::WaitingOnRequester.as_str();
    let asked = events
        .iter()
        .rev()
        .find(|e| e.to_state.as_deref() == Some(waiting))?;
    let text = comments
        .iter()
        .rev()
        .filter(|c| !c.internal && c.author_id != row.requester_id)
        .find(|c| c.created_at <= asked.created_at)
        .map(|c| c.body.clone());
    Some(super::model::Question {
        asker: name_of(asked.actor_id),
        text,
    })
}

/// One timeline line for an event; `None` for events shown otherwise (comments) or unreadable.
fn event_entry(
    e: &request_event::Model,
    name_of: &impl Fn(Option<i64>) -> String,
    sees_internal: bool,
) -> Option<(DateTime<Utc>, TimelineEntry)> {
    let kind = match EventKind::parse(&e.kind) {
        Some(EventKind::Created) => TimelineKind::Created,
        Some(EventKind::StateChanged) => {
            let (Some(from), Some(to)) = (
                e.from_state.as_deref().and_then(|s| s.parse().ok()),
                e.to_state.as_deref().and_then(|s| s.parse().ok()),
            ) else {
                return None;
            };
            TimelineKind::StateChanged { from, to }
        }
        Some(EventKind::Approval) => TimelineKind::Approval {
            text: e.detail.clone(),
        },
        // A task's note (why it was sent on, what was done) is for those who work on it.
        Some(EventKind::Task) => TimelineKind::Task {
            text: match (&e.note, sees_internal) {
                (Some(note), true) => format!("{}: “{note}”", e.detail),
                _ => e.detail.clone(),
            },
        },
        Some(EventKind::Rated) => TimelineKind::Rated {
            text: e.detail.clone(),
        },
        Some(EventKind::Updated) => TimelineKind::Updated {
            text: e.detail.clone(),
        },
        // Comments are shown from the comments table (which knows what the viewer may see).
        Some(EventKind::Commented) | None => return None,
    };
    Some((
        e.created_at,
        TimelineEntry {
            at: timestamp(e.created_at),
            actor: name_of(e.actor_id),
            kind,
        },
    ))
}

/// Timeline lines for the comments the viewer may read, with their files.
async fn comment_entries(
    conn: &impl ConnectionTrait,
    request_id: i64,
    comments: Vec<comment::Model>,
    name_of: &impl Fn(Option<i64>) -> String,
) -> AppResult<Vec<(DateTime<Utc>, TimelineEntry)>> {
    let mut timeline = Vec::with_capacity(comments.len());
    let mut files = crate::attachments::service::comment_files(conn, request_id).await?;
    for c in comments {
        let attached = files
            .remove(&c.id)
            .unwrap_or_default()
            .into_iter()
            .map(|f| super::model::AttachedFile {
                href: crate::attachments::model::download_href(&f.token),
                size: crate::domain::files::human_size(f.size as u64),
                name: f.file_name,
            })
            .collect();
        timeline.push((
            c.created_at,
            TimelineEntry {
                at: timestamp(c.created_at),
                actor: name_of(Some(c.author_id)),
                kind: TimelineKind::Comment {
                    body: c.body,
                    internal: c.internal,
                    files: attached,
                },
            },
        ));
    }
    Ok(timeline)
}

/// The answers as people read them: option labels, yes/no, and names for departments and people.
async fn answer_lines(
    db: &impl ConnectionTrait,
    form: &crate::domain::form::FormDefinition,
    answers: &std::collections::BTreeMap<String, serde_json::Value>,
) -> AppResult<Vec<super::model::AnswerLine>> {
    use super::model::{AnswerLine, AnswerValue};
    use crate::domain::form::{answered_cells, display_answer, FieldDef, FieldKind};
    let cells = answered_cells(form, answers);
    let of_kind = |want: fn(&FieldKind) -> bool| -> Vec<String> {
        cells
            .iter()
            .filter(|c| want(&c.field.kind))
            .filter_map(|c| c.value.as_str().map(str::to_owned))
            .collect()
    };
    let emails = of_kind(|k| *k == FieldKind::User);
    let tokens = of_kind(|k| matches!(k, FieldKind::Attachment { .. }));
    let people: HashMap<String, String> = if emails.is_empty() {
        HashMap::new()
    } else {
        user::Entity::find()
            .filter(user::Column::Email.is_in(emails))
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.email, u.name))
            .collect()
    };
    let files = crate::attachments::service::describe(db, tokens).await?;
    let departments: HashMap<String, String> = department::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.slug, d.name))
        .collect();
    let cell = |field: &FieldDef, value: &serde_json::Value| -> AnswerValue {
        match (&field.kind, value.as_str()) {
            (FieldKind::Department, Some(slug)) => AnswerValue::Text(
                departments
                    .get(slug)
                    .cloned()
                    .unwrap_or_else(|| slug.to_owned()),
            ),
            (FieldKind::User, Some(email)) => AnswerValue::Text(match people.get(email) {
                Some(name) => format!("{name} ({email})"),
                None => email.to_owned(),
            }),
            (FieldKind::Attachment { .. }, Some(token)) => match files.get(token) {
                Some(file) => AnswerValue::File {
                    name: file.file_name.clone(),
                    size: crate::domain::files::human_size(file.size as u64),
                    href: crate::attachments::model::download_href(token),
                },
                None => AnswerValue::Text("(file no longer available)".to_owned()),
            },
            _ => AnswerValue::Text(display_answer(field, value)),
        }
    };
    Ok(form
        .fields
        .iter()
        .filter_map(|field| {
            let value = answers.get(&field.key)?;
            let shown = match (&field.kind, value) {
                (FieldKind::Group { fields, .. }, serde_json::Value::Array(rows)) => {
                    AnswerValue::Rows {
                        columns: fields.iter().map(|f| f.label.clone()).collect(),
                        rows: rows
                            .iter()
                            .map(|row| {
                                fields
                                    .iter()
                                    .map(|sub| match row.get(&sub.key) {
                                        Some(v) => cell(sub, v),
                                        None => AnswerValue::Text(String::new()),
                                    })
                                    .collect()
                            })
                            .collect(),
                    }
                }
                _ => cell(field, value),
            };
            Some(AnswerLine {
                label: field.label.clone(),
                value: shown,
            })
        })
        .collect())
}

/// A state change asked for by a person.
pub struct StateChange {
    pub to: RequestState,
    /// The request version the person saw; a mismatch means someone else acted first.
    pub expected_version: i32,
    /// Optional public comment explaining the change.
    pub note: Option<String>,
}

/// Moves a request to another state: checked by the state machine, guarded by the request's
/// version, and recorded as an event, all in one transaction.
pub async fn change_state(
    db: &Db,
    user: &SessionUser,
    id: RequestId,
    change: StateChange,
) -> AppResult<RequestState> {
    let note = change
        .note
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty());
    if let Some(note) = &note {
        check_comment_length(note)?;
    }
    let mut work = RequestWork::open(db, id).await?;
    let access = access_in(work.txn(), user, work.row()).await?;
    work.check_seen(change.expected_version)?;
    let from = work.state();
    if !allowed_actions(access, from).contains(&change.to) {
        return Err(match from.check_transition(change.to) {
            Err(reason) => AppError::Conflict(reason),
            Ok(()) => AppError::Forbidden,
        });
    }
    let reopening = access == Access::Requester && change.to == RequestState::InFulfilment;
    if reopening && note.is_none() {
        return Err(AppError::BadRequest(
            "Say what is still wrong: whoever works on it reads your reason.".into(),
        ));
    }
    if change.to == RequestState::Resolved {
        let open = crate::tasks::service::unfinished_titles(work.txn(), id.0).await?;
        if !open.is_empty() {
            return Err(AppError::Conflict(format!(
                "{id} still has tasks to do ({}). It resolves by itself when the last one is done.",
                open.join(", ")
            )));
        }
    }
    work.transition(change.to, Some(user.id.0), "").await?;
    if access == Access::Agent {
        // Whoever starts work on a request nobody owns takes it.
        if change.to == RequestState::InFulfilment && work.owner().is_none() {
            work.set_owner(user.id.0, Some((user.id.0, user.name.clone())))
                .await?;
        }
        // Moving the request answers a reply the requester was waiting on.
        work.mark_reply(false);
    }
    if change.to == RequestState::Cancelled {
        crate::workflow::on_cancelled(&mut work).await?;
    }
    if let Some(note) = &note {
        work.comment(user.id.0, note.clone(), false).await?;
    }
    if change.to == RequestState::Resolved {
        work.tell_resolved().await?;
    } else {
        let row = work.row().clone();
        let mut people = work.watchers().await?;
        people.push(row.requester_id);
        if reopening {
            // Whoever works on it hears that it is not done: its owner, or its team.
            people.extend(reply_handlers(work.txn(), &row, work.owner()).await?);
            work.mark_reply(true);
        }
        people.retain(|p| *p != user.id.0);
        people.sort_unstable();
        people.dedup();
        let title = if reopening {
            format!("{} reopened {id} {}", user.name, row.title)
        } else {
            format!(
                "{id} {} is now {}",
                row.title,
                change.to.label().to_lowercase()
            )
        };
        let body = match note {
            Some(note) => format!("{}: {note}", user.name),
            None => format!("Changed by {}.", user.name),
        };
        work.notify(NoticeKind::Progress, people, title, body)
            .await?;
    }
    let to = crate::workflow::commit(work).await?;
    tracing::info!(request = id.0, from = %from, to = %to, user = user.id.0, "state changed");
    Ok(to)
}

pub(crate) fn check_comment_length(body: &str) -> AppResult<()> {
    let len = body.chars().count();
    if len > COMMENT_LIMIT {
        return Err(AppError::BadRequest(format!(
            "A comment can be at most {COMMENT_LIMIT} characters (this one has {len})."
        )));
    }
    Ok(())
}

/// Most files one comment may carry.
pub const COMMENT_FILES: usize = 10;

/// Adds a comment, with any files the author uploaded for it. Internal comments are for people
/// who work on the request's department.
pub async fn add_comment(
    db: &Db,
    user: &SessionUser,
    id: RequestId,
    body: &str,
    internal: bool,
    files: &[String],
) -> AppResult<()> {
    if files.len() > COMMENT_FILES {
        return Err(AppError::BadRequest(format!(
            "A comment can carry at most {COMMENT_FILES} files."
        )));
    }
    let body = body.trim();
    if body.is_empty() {
        return Err(AppError::BadRequest("Write a comment first.".into()));
    }
    check_comment_length(body)?;
    let mut work = RequestWork::open(db, id).await?;
    let access = access_in(work.txn(), user, work.row()).await?;
    match access {
        Access::Reader => return Err(AppError::Forbidden),
        Access::Requester if internal => return Err(AppError::Forbidden),
        Access::Requester | Access::Agent | Access::Collaborator => {}
    }
    let comment_id = work.comment(user.id.0, body.to_owned(), internal).await?;
    let from_requester = access == Access::Requester;
    // The requester's reply is what a request waiting on them waits for: work resumes, and the
    // queue shows it replied until someone on the service desk answers.
    if from_requester {
        if work.state() == RequestState::WaitingOnRequester {
            work.transition(RequestState::InFulfilment, Some(user.id.0), "")
                .await?;
        }
        if !work.state().is_final() {
            work.mark_reply(true);
        }
    } else if !internal {
        work.mark_reply(false);
    }
    crate::attachments::service::bind_to_comment(work.txn(), user, id.0, comment_id, files).await?;
    // The requester (for public comments), the watchers, and everyone @mentioned who may read
    // the comment hear of it; never the author.
    let row = work.row().clone();
    let mentioned = mentioned_people(work.txn(), body).await?;
    let mut told: Vec<i64> = Vec::new();
    let mut candidates = crate::notifications::service::watchers(work.txn(), row.id).await?;
    candidates.push(row.requester_id);
    candidates.extend(mentioned.iter().copied());
    // A requester's reply reaches whoever works on the request: its owner, or when nobody
    // owns it, its team (or, without a team, the department's agents).
    let handlers = if from_requester {
        reply_handlers(work.txn(), &row, work.owner()).await?
    } else {
        Vec::new()
    };
    candidates.extend(handlers.iter().copied());
    for person in candidates {
        if person == user.id.0 || told.contains(&person) {
            continue;
        }
        if may_read_comment(work.txn(), person, &row, internal).await? {
            told.push(person);
        }
    }
    let excerpt: String = body.chars().take(400).collect();
    let kind = if internal {
        "an internal note"
    } else {
        "a comment"
    };
    let plain = |p: &i64| !mentioned.contains(p) && !handlers.contains(p);
    work.notify(
        NoticeKind::Conversation,
        told.iter().copied().filter(plain),
        format!("{} added {kind} on {id} {}", user.name, row.title),
        excerpt.clone(),
    )
    .await?;
    work.notify(
        NoticeKind::Conversation,
        told.iter()
            .copied()
            .filter(|p| handlers.contains(p) && !mentioned.contains(p)),
        format!("{} replied on {id} {}", user.name, row.title),
        excerpt.clone(),
    )
    .await?;
    work.notify(
        NoticeKind::Conversation,
        told.iter().copied().filter(|p| mentioned.contains(p)),
        format!("{} mentioned you on {id} {}", user.name, row.title),
        excerpt,
    )
    .await?;
    crate::workflow::commit(work).await?;
    Ok(())
}

/// Who hears of a requester's reply: the owner, else the request's team, else the agents of
/// its department.
async fn reply_handlers(
    db: &impl ConnectionTrait,
    row: &request::Model,
    owner: Option<i64>,
) -> AppResult<Vec<i64>> {
    if let Some(owner) = owner {
        return Ok(vec![owner]);
    }
    let people = match row.team_id {
        Some(team) => crate::directory::team_members(db, team).await?,
        None => Vec::new(),
    };
    let people = if people.is_empty() {
        crate::directory::department_agents(db, row.department_id).await?
    } else {
        people
    };
    Ok(people.into_iter().map(|(id, _)| id).collect())
}

/// Who a request goes to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OwnerChoice {
    /// The person acting takes it.
    Me,
    /// Someone who works in the request's department.
    Person(i64),
    /// Nobody: back to the team.
    Nobody,
}

/// Gives a request an owner (or none). Only those who work in the request's department may,
/// and only to someone who does too; under the request's lock and the version the person saw,
/// so two agents taking the same request at once get one outcome, and the other is told who
/// has it. Returns what happened, in words.
pub async fn set_owner(
    db: &Db,
    user: &SessionUser,
    id: RequestId,
    expected_version: i32,
    choice: OwnerChoice,
) -> AppResult<String> {
    let mut work = RequestWork::open(db, id).await?;
    let access = access_in(work.txn(), user, work.row()).await?;
    if access != Access::Agent {
        return Err(AppError::NotAllowed(
            "Only the department that fulfils a request gives it an owner.".into(),
        ));
    }
    if work.row().version != expected_version {
        if work.row().assignee_id == Some(user.id.0) {
            return Err(AppError::Conflict(format!(
                "{id} is yours already (changed a moment ago, in another tab perhaps)."
            )));
        }
        if let Some(owner) = work.row().assignee_id {
            let name = crate::directory::user_names(work.txn(), [owner])
                .await?
                .remove(&owner)
                .unwrap_or_default();
            return Err(AppError::Conflict(format!(
                "{id} was changed a moment ago and is now with {name}. Reload to see the \
                 latest and try again."
            )));
        }
    }
    work.check_seen(expected_version)?;
    if work.state().is_final() {
        return Err(AppError::Conflict(format!(
            "{id} is {}: it keeps its owner.",
            work.state().label().to_lowercase()
        )));
    }
    let owner = match choice {
        OwnerChoice::Me => Some((user.id.0, user.name.clone())),
        OwnerChoice::Nobody => None,
        OwnerChoice::Person(person) => {
            let department = work.row().department_id;
            let Some((_, name)) = crate::directory::department_agents(work.txn(), department)
                .await?
                .into_iter()
                .find(|(p, _)| *p == person)
            else {
                return Err(AppError::BadRequest(
                    "Give the request to someone who works in its department.".into(),
                ));
            };
            Some((person, name))
        }
    };
    if owner.as_ref().map(|(p, _)| *p) == work.owner() {
        return Err(AppError::Conflict(match &owner {
            Some((p, _)) if *p == user.id.0 => format!("{id} is yours already."),
            Some((_, name)) => format!("{id} is with {name} already."),
            None => format!("{id} has no owner already."),
        }));
    }
    work.set_owner(user.id.0, owner.clone()).await?;
    let row = work.row().clone();
    let message = match &owner {
        Some((p, _)) if *p == user.id.0 => format!("{id} is yours."),
        Some((p, name)) => {
            work.notify(
                NoticeKind::Work,
                [*p],
                format!("{} gave you {id} {}", user.name, row.title),
                "It is yours to work on now.".to_owned(),
            )
            .await?;
            format!("{id} is now with {name}.")
        }
        None => format!("{id} has no owner now."),
    };
    crate::workflow::commit(work).await?;
    tracing::info!(request = id.0, user = user.id.0, owner = ?owner.map(|o| o.0), "owner changed");
    Ok(message)
}

/// Changes a request's priority (those who work in its department).
pub async fn set_priority(
    db: &Db,
    user: &SessionUser,
    id: RequestId,
    expected_version: i32,
    priority: Priority,
) -> AppResult<String> {
    let mut work = RequestWork::open(db, id).await?;
    let access = access_in(work.txn(), user, work.row()).await?;
    if access != Access::Agent {
        return Err(AppError::NotAllowed(
            "Only the department that fulfils a request sets its priority.".into(),
        ));
    }
    work.check_seen(expected_version)?;
    if work.priority() == priority {
        return Err(AppError::Conflict(format!(
            "{id} is {} priority already.",
            priority.label().to_lowercase()
        )));
    }
    work.set_priority(Some(user.id.0), priority).await?;
    crate::workflow::commit(work).await?;
    Ok(format!(
        "{id} is now {} priority.",
        priority.label().to_lowercase()
    ))
}

/// The people who may own requests of the user's departments (every department's for a
/// system admin), by name.
pub async fn queue_people(
    db: &impl ConnectionTrait,
    user: &SessionUser,
) -> AppResult<Vec<(i64, String)>> {
    let departments: Vec<i64> = if user.has_role(crate::auth::model::Role::SystemAdmin) {
        department::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|d| d.id)
            .collect()
    } else {
        user.agent_departments().into_iter().map(|d| d.0).collect()
    };
    crate::directory::departments_agents(db, &departments).await
}

/// Most requests one bulk action may change.
pub const BULK_LIMIT: usize = 100;

/// What a bulk action in the queue does to each ticked request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BulkAction {
    /// The person acting takes each.
    Take,
    /// Each goes to this person (of the request's department).
    Give(i64),
    Priority(Priority),
    State(RequestState),
    /// A reply to each requester.
    Comment(String),
}

/// What a bulk action did to one request: the confirmation, or why it was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BulkOutcome {
    pub id: RequestId,
    pub result: Result<String, String>,
}

/// Applies one action to each ticked request (with the version the person saw), each in its
/// own transaction through the same use case as on the request's page, so each request gets
/// its own outcome: a request someone else changed meanwhile is refused and the rest go on.
pub async fn bulk(
    db: &Db,
    user: &SessionUser,
    picks: &[(RequestId, i32)],
    action: BulkAction,
) -> AppResult<Vec<BulkOutcome>> {
    if !user.is_agent() {
        return Err(AppError::Forbidden);
    }
    if picks.is_empty() {
        return Err(AppError::BadRequest(
            "Tick the requests to change first.".into(),
        ));
    }
    if picks.len() > BULK_LIMIT {
        return Err(AppError::BadRequest(format!(
            "Change at most {BULK_LIMIT} requests at once ({} are ticked).",
            picks.len()
        )));
    }
    if let BulkAction::Comment(body) = &action {
        if body.trim().is_empty() {
            return Err(AppError::BadRequest("Write the reply first.".into()));
        }
        check_comment_length(body.trim())?;
    }
    let mut outcomes = Vec::with_capacity(picks.len());
    for &(id, seen) in picks {
        let done = match &action {
            BulkAction::Take => set_owner(db, user, id, seen, OwnerChoice::Me).await,
            BulkAction::Give(person) => {
                set_owner(db, user, id, seen, OwnerChoice::Person(*person)).await
            }
            BulkAction::Priority(priority) => set_priority(db, user, id, seen, *priority).await,
            BulkAction::State(to) => {
                let change = StateChange {
                    to: *to,
                    expected_version: seen,
                    note: None,
                };
                change_state(db, user, id, change)
                    .await
                    .map(|now| format!("{id} is now {}.", now.label().to_lowercase()))
            }
            BulkAction::Comment(body) => add_comment(db, user, id, body, false, &[])
                .await
                .map(|()| format!("{id}: replied.")),
        };
        outcomes.push(BulkOutcome {
            id,
            result: done.map_err(|e| match e {
                AppError::NotFound(_) => format!("{id} is not yours to see."),
                AppError::Forbidden => format!("{id}: not yours to change."),
                other => other.to_string(),
            }),
        });
    }
    tracing::info!(user = user.id.0, requests = picks.len(), action = ?action, "bulk action");
    Ok(outcomes)
}

/// The active people named by @handle in a text.
async fn mentioned_people(db: &impl ConnectionTrait, body: &str) -> AppResult<Vec<i64>> {
    use crate::domain::mentions::{handles, names};
    let handles = handles(body);
    if handles.is_empty() {
        return Ok(Vec::new());
    }
    // One query for every handle; `LIKE` treats `_` as a wildcard, so the candidates are
    // narrowed to exact local parts here.
    let mut any = sea_orm::Condition::any();
    for handle in &handles {
        any = any.add(user::Column::Email.starts_with(handle.as_str()));
    }
    let candidates: Vec<(i64, String)> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .column(user::Column::Email)
        .filter(user::Column::Active.eq(true))
        .filter(any)
        .into_tuple()
        .all(db)
        .await?;
    Ok(candidates
        .into_iter()
        .filter(|(_, email)| handles.iter().any(|h| names(h, email)))
        .map(|(id, _)| id)
        .collect())
}

/// Whether a person may read a comment on the request (internal notes: only those who work
/// on it).
async fn may_read_comment(
    db: &impl ConnectionTrait,
    person: i64,
    row: &request::Model,
    internal: bool,
) -> AppResult<bool> {
    let Some(who) =
        crate::auth::service::load_session_user(db, crate::auth::model::UserId(person)).await?
    else {
        return Ok(false);
    };
    Ok(match access_in(db, &who, row).await {
        Ok(access) => !internal || access.works_on(),
        Err(_) => false,
    })
}

/// Most lines of each kind on the home page.
const MY_WORK_LINES: usize = 5;

/// What waits on the person (their answers, their ratings, their approvals) and their open
/// requests: one query over their newest unfinished and unrated requests, plus the header's
/// counters (read once per request).
pub async fn my_work(
    db: &impl ConnectionTrait,
    user: &SessionUser,
    approvals_waiting: u64,
) -> AppResult<MyWork> {
    let rows: Vec<(i64, String, String, DateTime<Utc>)> = request::Entity::find()
        .select_only()
        .column(request::Column::Id)
        .column(request::Column::Title)
        .column(request::Column::State)
        .column(request::Column::UpdatedAt)
        .filter(request::Column::RequesterId.eq(user.id.0))
        .filter(
            sea_orm::Condition::any()
                .add(literal::is_one_of(
                    request::Column::State,
                    RequestState::ACTIVE.map(RequestState::as_str),
                ))
                .add(
                    sea_orm::Condition::all()
                        .add(literal::is(
                            request::Column::State,
                            RequestState::Resolved.as_str(),
                        ))
                        .add(request::Column::Rating.is_null()),
                ),
        )
        .order_by_desc(request::Column::Id)
        .limit(4 * MY_WORK_LINES as u64)
        .into_tuple()
        .all(db)
        .await?;
    let mut work = MyWork {
        approvals_waiting,
        ..MyWork::default()
    };
    for (id, title, state, updated_at) in rows {
        let Ok(state) = state.parse::<RequestState>() else {
            continue;
        };
        let line = MyRequestLine {
            id: RequestId(id),
            title,
            state,
            updated_at: timestamp(updated_at),
        };
        let list = match state {
            RequestState::WaitingOnRequester => &mut work.waiting_on_me,
            RequestState::Resolved => &mut work.to_rate,
            _ => &mut work.open,
        };
        if list.len() < MY_WORK_LINES {
            list.push(line);
        } else if state.category() == crate::domain::state::StatusCategory::Open {
            work.more_open = true;
        }
    }
    Ok(work)
}

/// The requester rates a resolved (or closed) request, 1 to 5, once, with an optional comment.
pub async fn rate(
    db: &Db,
    user: &SessionUser,
    id: RequestId,
    score: u8,
    comment: Option<String>,
) -> AppResult<()> {
    if !(1..=5).contains(&score) {
        return Err(AppError::BadRequest(
            "Choose a rating from 1 (poor) to 5 (excellent).".into(),
        ));
    }
    let comment = comment
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty());
    if let Some(comment) = &comment {
        check_comment_length(comment)?;
    }
    let mut work = RequestWork::open(db, id).await?;
    access_in(work.txn(), user, work.row()).await?;
    if work.row().requester_id != user.id.0 {
        return Err(AppError::NotAllowed(
            "Only the person who raised the request rates it.".into(),
        ));
    }
    let state = work.state();
    if !matches!(state, RequestState::Resolved | RequestState::Closed) {
        return Err(AppError::Conflict(format!(
            "{id} can be rated once it is resolved (it is {}).",
            state.label().to_lowercase()
        )));
    }
    // Once: under the request's lock, a second rating (another tab) is refused.
    work.rate(user.id.0, score, comment).await?;
    crate::workflow::commit(work).await?;
    Ok(())
}
