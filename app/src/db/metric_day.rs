//! (ssr) The `metric_days` table: leadership metrics' daily buckets (see `domain::metrics`).
//! Its columns are many and uniform, so it is read and written with statements built from
//! `domain::metrics::columns` rather than an entity.

use crate::domain::metrics::{columns, Counts, Key, Slice, M, WIDTH};
use crate::error::AppResult;
use chrono::NaiveDate;
use sea_orm::sea_query::{
    Alias, Expr, ExprTrait, InsertStatement, OnConflict, PostgresQueryBuilder, Query,
    SelectStatement, SqliteQueryBuilder,
};
use sea_orm::{ConnectionTrait, DatabaseBackend, QueryResult, Statement};
use std::collections::BTreeMap;

const TABLE: &str = "metric_days";
/// The same buckets rolled up per department × priority (team and item 0), which the dashboard
/// reads when it is not asked for one team or item.
const ROLLUP: &str = "metric_department_days";

/// The table a slice is read from: the rollup unless it names a team or an item.
fn table_for(slice: &Slice) -> &'static str {
    if slice.team.is_none() && slice.items.is_none() {
        ROLLUP
    } else {
        TABLE
    }
}

/// The upserts that move the buckets, and how many bucket rows they write.
#[derive(Debug, Default)]
pub struct Upserts {
    pub statements: Vec<InsertStatement>,
    /// Rows the statements insert or update, each counted once (SQLite's count of changes).
    pub rows: u64,
}

impl Upserts {
    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }
}

/// The upserts that add each bucket's counts to the bucket of its (key, day), and to its
/// department × priority rollup, creating them at zero first: one statement per table (per few
/// hundred buckets), however many numbers move. On SQLite the rollup is kept by triggers on
/// `metric_days` (migration 48), so only the detailed buckets are written: one statement less
/// per change, and on SQLite each statement is a hand-off to the connection's thread and back.
pub fn upserts_of<'a>(
    buckets: impl IntoIterator<Item = (&'a (Key, NaiveDate), &'a Counts)>,
    backend: DatabaseBackend,
) -> Upserts {
    let mut detailed: Vec<(&Key, NaiveDate, &Counts)> = Vec::new();
    let mut rolled: BTreeMap<(Key, NaiveDate), Counts> = BTreeMap::new();
    let rollup_by_trigger = backend == DatabaseBackend::Sqlite;
    for ((key, day), counts) in buckets {
        detailed.push((key, *day, counts));
        if !rollup_by_trigger {
            let rollup = Key {
                team_id: 0,
                item_id: 0,
                ..key.clone()
            };
            rolled.entry((rollup, *day)).or_default().add(counts, 1);
        }
    }
    let rolled: Vec<(&Key, NaiveDate, &Counts)> =
        rolled.iter().map(|((k, d), c)| (k, *d, c)).collect();
    let mut out = Upserts::default();
    for (table, buckets) in [(TABLE, &detailed), (ROLLUP, &rolled)] {
        let statements = upserts(table, buckets);
        if !statements.is_empty() {
            out.rows += buckets.len() as u64;
            out.statements.extend(statements);
        }
    }
    out
}

/// Adds the buckets' counts (see [`upserts_of`]), a statement at a time (a rebuild).
pub async fn add_all<'a>(
    db: &impl ConnectionTrait,
    buckets: impl IntoIterator<Item = (&'a (Key, NaiveDate), &'a Counts)>,
) -> AppResult<()> {
    for statement in upserts_of(buckets, db.get_database_backend()).statements {
        db.execute(&statement).await?;
    }
    Ok(())
}

/// `main` (a PostgreSQL statement) with `upserts` run in it, as data-modifying `WITH`s: one
/// round trip for all of them. They touch other tables than `main`, so running on one
/// snapshot changes nothing; what `main` reports (rows affected) is its own.
pub fn with_upserts(upserts: &[InsertStatement], main: Statement) -> Statement {
    let mut values = Vec::new();
    let mut parts = Vec::with_capacity(upserts.len());
    for (n, upsert) in upserts.iter().enumerate() {
        let (sql, more) = upsert.build(PostgresQueryBuilder);
        parts.push(format!(
            "m{n} AS ({})",
            shift_placeholders(&sql, values.len())
        ));
        values.extend(more.0);
    }
    let sql = format!(
        "WITH {} {}",
        parts.join(", "),
        shift_placeholders(&main.sql, values.len())
    );
    values.extend(main.values.map(|v| v.0).unwrap_or_default());
    Statement::from_sql_and_values(DatabaseBackend::Postgres, sql, values)
}

/// `upserts` and then `main` (SQLite statements with `?` placeholders) as one batch: one
/// command to the connection's thread instead of one per statement. (Each statement's result
/// still comes back on its own: a wake-up of the waiting task, about 0.1 ms on a busy 2-core
/// machine, which is most of what a statement costs here.)
pub fn with_upserts_sqlite(upserts: &[InsertStatement], main: Statement) -> Statement {
    let mut values = Vec::new();
    let mut sql = String::new();
    for upsert in upserts {
        let (text, more) = upsert.build(SqliteQueryBuilder);
        sql.push_str(&text);
        sql.push_str("; ");
        values.extend(more.0);
    }
    sql.push_str(&main.sql);
    values.extend(main.values.map(|v| v.0).unwrap_or_default());
    Statement::from_sql_and_values(DatabaseBackend::Sqlite, sql, values)
}

/// PostgreSQL's placeholders `$1`, `$2` … of `sql` renumbered after `offset` others. (The
/// statements here quote no text: every value is bound.)
fn shift_placeholders(sql: &str, offset: usize) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c != '$' {
            continue;
        }
        let mut digits = String::new();
        while let Some(d) = chars.next_if(char::is_ascii_digit) {
            digits.push(d);
        }
        match digits.parse::<usize>() {
            Ok(n) => out.push_str(&(n + offset).to_string()),
            Err(_) => out.push_str(&digits),
        }
    }
    out
}

/// Bound values per statement: within every database's limit (SQLite 32,766, PostgreSQL
/// 65,535).
const VALUES_PER_STATEMENT: usize = 30_000;

/// The upserts that add `buckets` to `table`: one per few hundred buckets (none when nothing
/// moves).
fn upserts(table: &str, buckets: &[(&Key, NaiveDate, &Counts)]) -> Vec<InsertStatement> {
    const KEY: [&str; 5] = ["day", "department_id", "team_id", "item_id", "priority"];
    let names = columns();
    let moved: Vec<usize> = (0..WIDTH)
        .filter(|n| buckets.iter().any(|(_, _, c)| c.0[*n] != 0))
        .collect();
    if moved.is_empty() {
        return Vec::new();
    }
    let mut conflict = OnConflict::columns(KEY.map(Alias::new));
    conflict.values(moved.iter().map(|n| {
        let name = &names[*n];
        (
            Alias::new(name.as_str()),
            Expr::cust(format!("{table}.{name} + excluded.{name}")),
        )
    }));
    let per_statement = (VALUES_PER_STATEMENT / (KEY.len() + moved.len())).max(1);
    let mut statements = Vec::new();
    for chunk in buckets.chunks(per_statement) {
        let mut insert = Query::insert();
        insert.into_table(Alias::new(table)).columns(
            KEY.into_iter()
                .map(Alias::new)
                .chain(moved.iter().map(|n| Alias::new(names[*n].as_str()))),
        );
        for (key, day, counts) in chunk {
            let mut values: Vec<Expr> = vec![
                Expr::val(*day),
                Expr::val(key.department_id),
                Expr::val(key.team_id),
                Expr::val(key.item_id),
                Expr::val(key.priority.clone()),
            ];
            values.extend(moved.iter().map(|n| Expr::val(counts.0[*n])));
            insert.values_panic(values);
        }
        insert.on_conflict(conflict.clone());
        statements.push(insert);
    }
    statements
}

/// Empties both tables (before a rebuild).
pub async fn clear(db: &impl ConnectionTrait) -> AppResult<()> {
    for table in [TABLE, ROLLUP] {
        db.execute(&Query::delete().from_table(Alias::new(table)).to_owned())
            .await?;
    }
    Ok(())
}

fn filtered(slice: &Slice) -> SelectStatement {
    let mut q = Query::select();
    q.from(Alias::new(table_for(slice)));
    if let Some(from) = slice.from {
        q.and_where(Expr::col(Alias::new("day")).gte(from));
    }
    if let Some(to) = slice.to {
        q.and_where(Expr::col(Alias::new("day")).lte(to));
    }
    if let Some(departments) = &slice.departments {
        q.and_where(Expr::col(Alias::new("department_id")).is_in(departments.iter().copied()));
    }
    if let Some(team) = slice.team {
        q.and_where(Expr::col(Alias::new("team_id")).eq(team));
    }
    if let Some(items) = &slice.items {
        q.and_where(Expr::col(Alias::new("item_id")).is_in(items.iter().copied()));
    }
    if let Some(priority) = &slice.priority {
        q.and_where(Expr::col(Alias::new("priority")).eq(priority.clone()));
    }
    q
}

/// Which columns a read adds up: all of them, or only some counters (the others read 0) — a
/// bucket is wide, and adding up fewer columns is most of what a narrow figure costs.
#[derive(Clone, Copy, Debug)]
pub enum Columns<'a> {
    All,
    Only(&'a [M]),
}

impl Columns<'_> {
    fn positions(self) -> Vec<usize> {
        match self {
            Columns::All => (0..WIDTH).collect(),
            Columns::Only(ms) => ms.iter().map(|m| *m as usize).collect(),
        }
    }
}

fn sums(q: &mut SelectStatement, columns_read: Columns) {
    let names = columns();
    for n in columns_read.positions() {
        let name = &names[n];
        q.expr_as(
            Expr::cust(format!("CAST(COALESCE(SUM({name}), 0) AS BIGINT)")),
            Alias::new(name.as_str()),
        );
    }
}

fn counts_of(row: &QueryResult, columns_read: Columns) -> AppResult<Counts> {
    let names = columns();
    let mut counts = Counts([0; WIDTH]);
    for n in columns_read.positions() {
        counts.0[n] = row.try_get::<i64>("", &names[n])?;
    }
    Ok(counts)
}

/// The slice's buckets added up per department.
pub async fn by_department(
    db: &impl ConnectionTrait,
    slice: &Slice,
    columns_read: Columns<'_>,
) -> AppResult<BTreeMap<i64, Counts>> {
    let mut q = filtered(slice);
    q.column(Alias::new("department_id"));
    sums(&mut q, columns_read);
    q.group_by_col(Alias::new("department_id"));
    let mut out = BTreeMap::new();
    for row in db.query_all(&q).await? {
        out.insert(
            row.try_get::<i64>("", "department_id")?,
            counts_of(&row, columns_read)?,
        );
    }
    Ok(out)
}

/// The slice's buckets added up per day.
pub async fn by_day(
    db: &impl ConnectionTrait,
    slice: &Slice,
    columns_read: Columns<'_>,
) -> AppResult<BTreeMap<NaiveDate, Counts>> {
    let mut q = filtered(slice);
    q.column(Alias::new("day"));
    sums(&mut q, columns_read);
    q.group_by_col(Alias::new("day"));
    let mut out = BTreeMap::new();
    for row in db.query_all(&q).await? {
        out.insert(
            row.try_get::<NaiveDate>("", "day")?,
            counts_of(&row, columns_read)?,
        );
    }
    Ok(out)
}

/// The requests open now per department and per day they were submitted, read from the
/// buckets that hold any (a partial index keeps to them: the rest of history is not read).
pub async fn open_by_day(
    db: &impl ConnectionTrait,
    slice: &Slice,
) -> AppResult<Vec<(i64, NaiveDate, i64)>> {
    let q = open_by_day_query(slice);
    let mut out = Vec::new();
    for row in db.query_all(&q).await? {
        out.push((
            row.try_get("", "department_id")?,
            row.try_get("", "day")?,
            row.try_get("", "open")?,
        ));
    }
    Ok(out)
}

/// The statement [`open_by_day`] runs. Its `still_open <> 0` is written into the SQL, so the
/// partial index on the buckets that hold open requests matches it (a bound 0 would not).
pub fn open_by_day_query(slice: &Slice) -> SelectStatement {
    let mut q = filtered(slice);
    q.column(Alias::new("department_id"))
        .column(Alias::new("day"))
        .expr_as(
            Expr::cust("CAST(SUM(still_open) AS BIGINT)"),
            Alias::new("open"),
        )
        .and_where(Expr::col(Alias::new("still_open")).ne(super::literal::literal(0)))
        .group_by_col(Alias::new("department_id"))
        .group_by_col(Alias::new("day"));
    q
}

/// Every bucket (for tests that compare maintained and rebuilt buckets); `rollup`: the
/// department × priority ones.
pub async fn all(
    db: &impl ConnectionTrait,
    rollup: bool,
) -> AppResult<BTreeMap<(Key, NaiveDate), Counts>> {
    let mut q = Query::select();
    q.from(Alias::new(if rollup { ROLLUP } else { TABLE }))
        .columns(["day", "department_id", "team_id", "item_id", "priority"].map(Alias::new));
    for name in columns() {
        q.column(Alias::new(name.as_str()));
    }
    let mut out = BTreeMap::new();
    for row in db.query_all(&q).await? {
        let key = Key {
            department_id: row.try_get("", "department_id")?,
            team_id: row.try_get("", "team_id")?,
            item_id: row.try_get("", "item_id")?,
            priority: row.try_get("", "priority")?,
        };
        let counts = counts_of(&row, Columns::All)?;
        if !counts.is_zero() {
            out.insert((key, row.try_get::<NaiveDate>("", "day")?), counts);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::shift_placeholders;

    #[test]
    fn placeholders_are_renumbered_after_the_first_statements() {
        assert_eq!(
            shift_placeholders(
                "INSERT INTO \"t\" (\"a\", \"b\") VALUES ($1, $2), ($3, $10)",
                7
            ),
            "INSERT INTO \"t\" (\"a\", \"b\") VALUES ($8, $9), ($10, $17)"
        );
        assert_eq!(
            shift_placeholders("SET x = t.x + excluded.x", 3),
            "SET x = t.x + excluded.x"
        );
    }
}
