//! (ssr) The catalog designer: department admins edit drafts, publish immutable versions, read
//! the history, and move items between installations as readable JSON files.

use super::model::{Audience, DraftView, ImportOutcome, ItemExport, VersionSummary};
use super::service::{audience_of, latest_version, parse_definition};
use crate::auth::model::{DepartmentId, Role, SessionUser};
use crate::db::{catalog_item, category, department, item_draft, item_version, team, user, Db};
use crate::domain::definition::ItemDefinition;
use crate::domain::diff::describe_changes;
use crate::error::{internal, AppError, AppResult};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

/// The caller must administer the department (or be a system admin).
pub fn require_admin_of(user: &SessionUser, department_id: i64) -> AppResult<()> {
    if user.administers(DepartmentId(department_id)) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The item with this slug, for someone who administers its department. Only a system admin
/// (who may administer any) learns that a slug does not exist; anyone else is refused alike
/// for an item that does not exist and one that is not theirs, so unlisted items cannot be
/// discovered by guessing slugs.
pub(crate) async fn administered_item(
    db: &impl ConnectionTrait,
    user: &SessionUser,
    slug: &str,
) -> AppResult<catalog_item::Model> {
    let item = catalog_item::Entity::find()
        .filter(catalog_item::Column::Slug.eq(slug))
        .one(db)
        .await?;
    match item {
        Some(item) => {
            require_admin_of(user, item.department_id)?;
            Ok(item)
        }
        None if user.has_role(Role::SystemAdmin) => {
            Err(AppError::NotFound(format!("The catalog item “{slug}”")))
        }
        None => Err(AppError::Forbidden),
    }
}

fn to_json(definition: &ItemDefinition) -> AppResult<String> {
    serde_json::to_string(definition).map_err(|e| internal("serialising a definition", e))
}

fn checked(definition: &ItemDefinition) -> AppResult<()> {
    definition.check().map_err(AppError::InvalidDefinition)
}

/// [`checked`], plus what only the database knows: that the people and teams named as
/// approvers exist.
pub async fn checked_in(db: &impl ConnectionTrait, definition: &ItemDefinition) -> AppResult<()> {
    checked(definition)?;
    let mut problems = crate::approvals::service::check_references(db, definition).await?;
    problems.extend(crate::tasks::service::check_references(db, definition).await?);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(AppError::InvalidDefinition(problems))
    }
}

/// The item as the designer edits it: the draft, or else the newest published version.
pub async fn working_copy(db: &Db, user: &SessionUser, slug: &str) -> AppResult<DraftView> {
    let item = administered_item(&db.conn, user, slug).await?;
    let draft = item_draft::Entity::find_by_id(item.id)
        .one(&db.conn)
        .await?;
    let published = latest_version(&db.conn, item.id).await.ok();
    let definition = match (&draft, &published) {
        (Some(d), _) => serde_json::from_str(&d.definition).map_err(|e| internal("draft", e))?,
        (None, Some(v)) => parse_definition(v)?,
        (None, None) => ItemDefinition::default(),
    };
    let department = department::Entity::find_by_id(item.department_id)
        .one(&db.conn)
        .await?
        .map(|d| d.name)
        .unwrap_or_default();
    let published_definition = published.as_ref().map(parse_definition).transpose()?;
    Ok(DraftView {
        slug: item.slug,
        name: item.name,
        department,
        definition,
        draft_version: draft.map(|d| d.version),
        published_version: published.map(|v| v.version),
        published: published_definition,
        departments: super::service::department_choices(&db.conn).await?,
        teams: crate::tasks::service::destinations(&db.conn).await?,
    })
}

/// Saves the draft after checking it. `expected` is the draft version the admin started from
/// (`None` for "no draft yet"); if someone saved in between, nothing is overwritten.
pub async fn save_draft(
    db: &Db,
    user: &SessionUser,
    slug: &str,
    definition: &ItemDefinition,
    expected: Option<i32>,
) -> AppResult<i32> {
    // Who may, before any work: checking a definition compiles patterns and queries approvers.
    administered_item(&db.conn, user, slug).await?;
    checked_in(&db.conn, definition).await?;
    let txn = db.begin_write().await?;
    let item = administered_item(&*txn, user, slug).await?;
    let current = item_draft::Entity::find_by_id(item.id).one(&*txn).await?;
    let next = write_draft(&*txn, user, item.id, definition, current.as_ref(), expected).await?;
    txn.commit().await?;
    Ok(next)
}

async fn write_draft(
    db: &impl ConnectionTrait,
    user: &SessionUser,
    item_id: i64,
    definition: &ItemDefinition,
    current: Option<&item_draft::Model>,
    expected: Option<i32>,
) -> AppResult<i32> {
    let json = to_json(definition)?;
    let now = Utc::now();
    match current {
        None if expected.is_none() => {
            item_draft::ActiveModel {
                item_id: Set(item_id),
                definition: Set(json),
                version: Set(1),
                updated_by: Set(user.id.0),
                updated_at: Set(now),
            }
            .insert(db)
            .await?;
            Ok(1)
        }
        Some(draft) if expected == Some(draft.version) => {
            let updated = item_draft::Entity::update_many()
                .col_expr(
                    item_draft::Column::Definition,
                    sea_orm::sea_query::Expr::value(json),
                )
                .col_expr(
                    item_draft::Column::Version,
                    sea_orm::sea_query::Expr::value(draft.version + 1),
                )
                .col_expr(
                    item_draft::Column::UpdatedBy,
                    sea_orm::sea_query::Expr::value(user.id.0),
                )
                .col_expr(
                    item_draft::Column::UpdatedAt,
                    sea_orm::sea_query::Expr::value(now),
                )
                .filter(item_draft::Column::ItemId.eq(item_id))
                .filter(item_draft::Column::Version.eq(draft.version))
                .exec(db)
                .await?;
            if updated.rows_affected != 1 {
                return Err(draft_changed());
            }
            Ok(draft.version + 1)
        }
        _ => Err(draft_changed()),
    }
}

fn draft_changed() -> AppError {
    AppError::Conflict(
        "Someone else saved or published this draft a moment ago. Reload to see their changes; \
         yours were not saved."
            .into(),
    )
}

/// Publishes the draft as the next immutable version. Requests already submitted keep the
/// version they were made against.
pub async fn publish(db: &Db, user: &SessionUser, slug: &str) -> AppResult<i32> {
    let txn = db.begin_write().await?;
    let item = administered_item(&*txn, user, slug).await?;
    let next = publish_in(&*txn, user, item, Utc::now()).await?;
    txn.commit().await?;
    Ok(next)
}

/// Publishes an item's draft inside the caller's write transaction, for a caller already
/// checked to be its admin.
pub async fn publish_in(
    conn: &impl ConnectionTrait,
    user: &SessionUser,
    item: catalog_item::Model,
    now: chrono::DateTime<Utc>,
) -> AppResult<i32> {
    let Some(draft) = item_draft::Entity::find_by_id(item.id).one(conn).await? else {
        return Err(AppError::Conflict(
            "There is no draft to publish: it may have just been published.".into(),
        ));
    };
    let definition: ItemDefinition =
        serde_json::from_str(&draft.definition).map_err(|e| internal("draft", e))?;
    checked(&definition)?;
    // Claim the draft first: of two simultaneous publishes, only one deletes it.
    let claimed = item_draft::Entity::delete_many()
        .filter(item_draft::Column::ItemId.eq(item.id))
        .filter(item_draft::Column::Version.eq(draft.version))
        .exec(conn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(draft_changed());
    }
    let next = latest_version(conn, item.id)
        .await
        .map(|v| v.version + 1)
        .unwrap_or(1);
    item_version::ActiveModel {
        item_id: Set(item.id),
        version: Set(next),
        definition: Set(draft.definition),
        published_by: Set(Some(user.id.0)),
        published_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    let mut active: catalog_item::ActiveModel = item.into();
    active.active = Set(true);
    active.updated_at = Set(now);
    active.update(conn).await?;
    Ok(next)
}

/// Published versions, newest first.
pub async fn history(db: &Db, user: &SessionUser, slug: &str) -> AppResult<Vec<VersionSummary>> {
    let item = administered_item(&db.conn, user, slug).await?;
    let versions = item_version::Entity::find()
        .filter(item_version::Column::ItemId.eq(item.id))
        .order_by_desc(item_version::Column::Version)
        .all(&db.conn)
        .await?;
    let mut out = Vec::with_capacity(versions.len());
    for v in versions {
        let definition = parse_definition(&v)?;
        let by = match v.published_by {
            Some(id) => user::Entity::find_by_id(id)
                .one(&db.conn)
                .await?
                .map(|u| u.name),
            None => None,
        };
        out.push(VersionSummary {
            version: v.version,
            published_at: v
                .published_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            published_by: by.unwrap_or_else(|| "Atrium".into()),
            fields: definition.form.fields.len(),
            rules: definition.form.rules.len(),
        });
    }
    Ok(out)
}

/// What changed from version `from` to version `to`.
pub async fn compare(
    db: &Db,
    user: &SessionUser,
    slug: &str,
    from: i32,
    to: i32,
) -> AppResult<Vec<String>> {
    let item = administered_item(&db.conn, user, slug).await?;
    let load = |version: i32| {
        let conn = db.conn.clone();
        let item_id = item.id;
        async move {
            let row = item_version::Entity::find()
                .filter(item_version::Column::ItemId.eq(item_id))
                .filter(item_version::Column::Version.eq(version))
                .one(&conn)
                .await?
                .ok_or_else(|| AppError::NotFound(format!("Version {version}")))?;
            parse_definition(&row)
        }
    };
    Ok(describe_changes(&load(from).await?, &load(to).await?))
}

/// The newest published version of an item as a portable file.
pub async fn export(db: &Db, user: &SessionUser, slug: &str) -> AppResult<ItemExport> {
    let conn = &db.conn;
    let item = administered_item(conn, user, slug).await?;
    let version = latest_version(conn, item.id).await?;
    let slug_of_department = department::Entity::find_by_id(item.department_id)
        .one(conn)
        .await?
        .map(|d| d.slug)
        .unwrap_or_default();
    let category = category::Entity::find_by_id(item.category_id)
        .one(conn)
        .await?
        .map(|c| c.slug)
        .unwrap_or_default();
    let team = team::Entity::find_by_id(item.team_id)
        .one(conn)
        .await?
        .map(|t| t.slug)
        .unwrap_or_default();
    Ok(ItemExport {
        format: ItemExport::FORMAT.into(),
        audience: serde_json::from_str(&item.audience).unwrap_or_default(),
        confidential: item.confidential,
        general: item.general,
        slug: item.slug,
        name: item.name,
        short_description: item.short_description,
        description: item.description,
        icon: item.icon,
        department: slug_of_department,
        category,
        team,
        expected_days: item.expected_days,
        definition: parse_definition(&version)?,
    })
}

/// Marks (or unmarks) every request of an item as confidential, when the item is: access to
/// its requests follows the item's mark from then on.
pub async fn mark_requests_confidential(
    conn: &impl ConnectionTrait,
    item_id: i64,
    confidential: bool,
) -> AppResult<()> {
    use sea_orm::sea_query::Expr;
    crate::db::request::Entity::update_many()
        .col_expr(
            crate::db::request::Column::Confidential,
            Expr::value(confidential),
        )
        .filter(crate::db::request::Column::ItemId.eq(item_id))
        .exec(conn)
        .await?;
    tracing::info!(
        item = item_id,
        confidential,
        "requests' confidentiality follows their item"
    );
    Ok(())
}

/// Renders an export as the file people download: pretty JSON with a trailing newline.
pub fn export_file(export: &ItemExport) -> AppResult<String> {
    serde_json::to_string_pretty(export)
        .map(|mut s| {
            s.push('\n');
            s
        })
        .map_err(|e| internal("export", e))
}

/// Imports a file: a new item (unpublished until its draft is published) or a new draft of an
/// existing item of the same department. Everything is checked first and written in one
/// transaction, so a bad file changes nothing.
pub async fn import(db: &Db, user: &SessionUser, text: &str) -> AppResult<ImportOutcome> {
    // Only department admins import; reading a file is work enough to refuse anyone else first.
    if !user.has_role(crate::auth::model::Role::DepartmentAdmin)
        && !user.has_role(crate::auth::model::Role::SystemAdmin)
    {
        return Err(AppError::Forbidden);
    }
    let file = read_item_file(text)?;
    let department = crate::directory::department_by_slug(&db.conn, &file.department).await?;
    require_admin_of(user, department.id)?;
    checked_in(&db.conn, &file.definition).await?;
    let txn = db.begin_write().await?;
    let (outcome, _) = import_in(&*txn, user, &file, Utc::now()).await?;
    txn.commit().await?;
    Ok(outcome)
}

/// Reads an item file, refusing one that is not an Atrium item file of this format, or whose
/// slug or name could not be used.
pub fn read_item_file(text: &str) -> AppResult<ItemExport> {
    let file: ItemExport = serde_json::from_str(text)
        .map_err(|e| AppError::BadRequest(format!("This is not a valid Atrium item file: {e}.")))?;
    if file.format != ItemExport::FORMAT {
        return Err(AppError::BadRequest(format!(
            "This file has format “{}”; this Atrium reads “{}”.",
            file.format,
            ItemExport::FORMAT
        )));
    }
    let slug_ok = !file.slug.is_empty()
        && file
            .slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !slug_ok {
        return Err(AppError::BadRequest(format!(
            "The slug “{}” may use only lower-case letters, digits and hyphens.",
            file.slug
        )));
    }
    if file.name.trim().is_empty() {
        return Err(AppError::BadRequest("The item needs a name.".into()));
    }
    // The catalog entry obeys the limits the details form enforces.
    if let Some(problem) = super::model::entry_problem(
        &file.name,
        &file.short_description,
        &file.description,
        &file.icon,
        file.expected_days,
    ) {
        return Err(AppError::BadRequest(format!("In this file: {problem}")));
    }
    Ok(file)
}

/// Writes an imported file inside the caller's write transaction: a new item (unpublished
/// until its draft is published) or new details and a new draft for an existing item of the
/// same department. The definition must have passed [`checked_in`]. Also returns the item's
/// id. The demo catalog is loaded through here too, so it is imported like any admin's file.
pub async fn import_in(
    conn: &impl ConnectionTrait,
    user: &SessionUser,
    file: &ItemExport,
    now: chrono::DateTime<Utc>,
) -> AppResult<(ImportOutcome, i64)> {
    let audience = serde_json::to_string(&file.audience).map_err(|e| internal("audience", e))?;

    let department = crate::directory::department_by_slug(conn, &file.department).await?;
    require_admin_of(user, department.id)?;
    let category = category::Entity::find()
        .filter(category::Column::DepartmentId.eq(department.id))
        .filter(category::Column::Slug.eq(&file.category))
        .one(conn)
        .await?
        .ok_or_else(|| {
            AppError::BadRequest(format!(
                "{} has no category “{}”.",
                department.name, file.category
            ))
        })?;
    let team = team::Entity::find()
        .filter(team::Column::DepartmentId.eq(department.id))
        .filter(team::Column::Slug.eq(&file.team))
        .one(conn)
        .await?
        .ok_or_else(|| {
            AppError::BadRequest(format!("{} has no team “{}”.", department.name, file.team))
        })?;
    let existing = catalog_item::Entity::find()
        .filter(catalog_item::Column::Slug.eq(&file.slug))
        .one(conn)
        .await?;
    let (item_id, created) = match existing {
        Some(item) if item.department_id != department.id => {
            return Err(AppError::Conflict(format!(
                "“{}” is already the slug of another department's item.",
                file.slug
            )))
        }
        Some(item) => {
            let id = item.id;
            if item.confidential != file.confidential {
                mark_requests_confidential(conn, id, file.confidential).await?;
            }
            let mut active: catalog_item::ActiveModel = item.into();
            active.confidential = Set(file.confidential);
            active.general = Set(file.general);
            active.name = Set(file.name.clone());
            active.short_description = Set(file.short_description.clone());
            active.description = Set(file.description.clone());
            active.icon = Set(file.icon.clone());
            active.category_id = Set(category.id);
            active.team_id = Set(team.id);
            active.expected_days = Set(file.expected_days);
            active.audience = Set(audience);
            active.updated_at = Set(now);
            active.update(conn).await?;
            (id, false)
        }
        None => {
            let item = catalog_item::ActiveModel {
                department_id: Set(department.id),
                category_id: Set(category.id),
                slug: Set(file.slug.clone()),
                name: Set(file.name.clone()),
                short_description: Set(file.short_description.clone()),
                description: Set(file.description.clone()),
                icon: Set(file.icon.clone()),
                expected_days: Set(file.expected_days),
                team_id: Set(team.id),
                // Orderable once its first version is published.
                active: Set(false),
                audience: Set(audience),
                confidential: Set(file.confidential),
                general: Set(file.general),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(conn)
            .await?;
            (item.id, true)
        }
    };
    // An import replaces any draft in progress: the file is the new working copy.
    item_draft::Entity::delete_by_id(item_id).exec(conn).await?;
    write_draft(conn, user, item_id, &file.definition, None, None).await?;
    let outcome = ImportOutcome {
        slug: file.slug.clone(),
        created,
    };
    Ok((outcome, item_id))
}

/// The items the caller designs: their departments' (all of them for a system admin).
pub async fn admin_items(
    db: &Db,
    user: &SessionUser,
) -> AppResult<Vec<super::model::AdminItemRow>> {
    let conn = &db.conn;
    let mut query = catalog_item::Entity::find();
    if !user.has_role(Role::SystemAdmin) {
        let departments: Vec<i64> = user
            .administered_departments()
            .into_iter()
            .map(|d| d.0)
            .collect();
        if departments.is_empty() {
            return Err(AppError::Forbidden);
        }
        query = query.filter(catalog_item::Column::DepartmentId.is_in(departments));
    }
    let items = query
        .order_by_asc(catalog_item::Column::DepartmentId)
        .order_by_asc(catalog_item::Column::Name)
        .all(conn)
        .await?;
    let departments: std::collections::HashMap<i64, String> = department::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|d| (d.id, d.name))
        .collect();
    let categories: std::collections::HashMap<i64, String> = category::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let drafts: std::collections::HashSet<i64> = item_draft::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|d| d.item_id)
        .collect();
    let mut latest: std::collections::HashMap<i64, i32> = std::collections::HashMap::new();
    for v in item_version::Entity::find().all(conn).await? {
        let entry = latest.entry(v.item_id).or_insert(v.version);
        *entry = (*entry).max(v.version);
    }
    Ok(items
        .into_iter()
        .map(|i| super::model::AdminItemRow {
            published_version: latest.get(&i.id).copied(),
            has_draft: drafts.contains(&i.id),
            department: departments
                .get(&i.department_id)
                .cloned()
                .unwrap_or_default(),
            category: categories.get(&i.category_id).cloned().unwrap_or_default(),
            slug: i.slug,
            name: i.name,
            icon: i.icon,
            active: i.active,
        })
        .collect())
}

/// Departments, categories and teams the caller may place items in.
pub async fn admin_options(db: &Db, user: &SessionUser) -> AppResult<super::model::AdminOptions> {
    let conn = &db.conn;
    let all = department::Entity::find()
        .order_by_asc(department::Column::SortOrder)
        .all(conn)
        .await?;
    let mine: Vec<&department::Model> = all
        .iter()
        .filter(|d| require_admin_of(user, d.id).is_ok())
        .collect();
    if mine.is_empty() {
        return Err(AppError::Forbidden);
    }
    let slug_of: std::collections::HashMap<i64, String> =
        mine.iter().map(|d| (d.id, d.slug.clone())).collect();
    let categories = category::Entity::find()
        .order_by_asc(category::Column::SortOrder)
        .all(conn)
        .await?
        .into_iter()
        .filter_map(|c| Some((slug_of.get(&c.department_id)?.clone(), c.slug, c.name)))
        .collect();
    let teams = team::Entity::find()
        .order_by_asc(team::Column::Name)
        .all(conn)
        .await?
        .into_iter()
        .filter_map(|t| Some((slug_of.get(&t.department_id)?.clone(), t.slug, t.name)))
        .collect();
    Ok(super::model::AdminOptions {
        departments: mine
            .iter()
            .map(|d| (d.slug.clone(), d.name.clone()))
            .collect(),
        categories,
        teams,
        all_departments: all
            .iter()
            .map(|d| (d.slug.clone(), d.name.clone()))
            .collect(),
    })
}

/// `"Parking permit (EV)"` → `"parking-permit-ev"`.
pub fn slug_from_name(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_owned()
}

/// A trimmed name of 1–120 characters and the slug made from it, for a new item or category
/// (`what` names it in the message).
pub fn name_and_slug<'a>(name: &'a str, what: &str) -> AppResult<(&'a str, String)> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        return Err(AppError::BadRequest(format!(
            "Give the {what} a name of at most 120 characters."
        )));
    }
    let slug = slug_from_name(name);
    if slug.is_empty() {
        return Err(AppError::BadRequest(
            "The name needs at least one letter or digit.".into(),
        ));
    }
    Ok((name, slug))
}

/// Creates an unpublished item with an empty draft; returns its slug.
pub async fn create_item(
    db: &Db,
    user: &SessionUser,
    new: &super::model::NewItem,
) -> AppResult<String> {
    let (name, slug) = name_and_slug(&new.name, "item")?;
    let (department_slug, category_slug) = new
        .category
        .split_once('/')
        .ok_or_else(|| AppError::BadRequest("Choose a category.".into()))?;
    if department_slug != new.department {
        return Err(AppError::BadRequest(
            "The category must belong to the chosen department.".into(),
        ));
    }
    let txn = db.begin_write().await?;
    let conn = &*txn;
    let department = department::Entity::find()
        .filter(department::Column::Slug.eq(&new.department))
        .one(conn)
        .await?
        .ok_or_else(|| AppError::BadRequest("Choose a department.".into()))?;
    require_admin_of(user, department.id)?;
    let category = category::Entity::find()
        .filter(category::Column::DepartmentId.eq(department.id))
        .filter(category::Column::Slug.eq(category_slug))
        .one(conn)
        .await?
        .ok_or_else(|| AppError::BadRequest("Choose a category of that department.".into()))?;
    let team = team::Entity::find()
        .filter(team::Column::DepartmentId.eq(department.id))
        .filter(team::Column::Slug.eq(&new.team))
        .one(conn)
        .await?
        .ok_or_else(|| AppError::BadRequest("Choose the team that fulfils it.".into()))?;
    if catalog_item::Entity::find()
        .filter(catalog_item::Column::Slug.eq(&slug))
        .one(conn)
        .await?
        .is_some()
    {
        return Err(AppError::Conflict(format!(
            "There is already an item called “{name}” (address /catalog/{slug}). Choose another name."
        )));
    }
    let now = Utc::now();
    let item = catalog_item::ActiveModel {
        department_id: Set(department.id),
        category_id: Set(category.id),
        slug: Set(slug.clone()),
        name: Set(name.to_owned()),
        short_description: Set(new.short_description.trim().chars().take(300).collect()),
        description: Set(String::new()),
        icon: Set(if new.icon.trim().is_empty() {
            "📦".into()
        } else {
            new.icon.trim().chars().take(8).collect()
        }),
        expected_days: Set(3),
        team_id: Set(team.id),
        active: Set(false),
        audience: Set(
            serde_json::to_string(&Audience::Everyone).map_err(|e| internal("audience", e))?
        ),
        confidential: Set(false),
        general: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    write_draft(conn, user, item.id, &ItemDefinition::default(), None, None).await?;
    txn.commit().await?;
    Ok(slug)
}

/// Changes who may order an item (takes effect at once; it is not part of the versioned form).
pub async fn set_audience(
    db: &Db,
    user: &SessionUser,
    slug: &str,
    audience: &Audience,
) -> AppResult<()> {
    match audience {
        Audience::Departments { departments } if departments.is_empty() => {
            return Err(AppError::BadRequest(
                "Choose at least one department, or “Everyone”.".into(),
            ));
        }
        Audience::Roles { roles } if roles.is_empty() => {
            return Err(AppError::BadRequest(
                "Choose at least one role, or “Everyone”.".into(),
            ));
        }
        _ => {}
    }
    let txn = db.begin_write().await?;
    let item = administered_item(&*txn, user, slug).await?;
    let mut active: catalog_item::ActiveModel = item.into();
    active.audience = Set(serde_json::to_string(audience).map_err(|e| internal("audience", e))?);
    active.updated_at = Set(Utc::now());
    active.update(&*txn).await?;
    txn.commit().await?;
    Ok(())
}

/// An item's current audience, for the designer.
pub async fn audience(db: &Db, user: &SessionUser, slug: &str) -> AppResult<Audience> {
    let item = administered_item(&db.conn, user, slug).await?;
    Ok(audience_of(&item))
}
