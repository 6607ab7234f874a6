//! (ssr) Fixed values written into the SQL as literals rather than bound as parameters.
//!
//! SQLite is built with its query planner stability guarantee (`SQLITE_ENABLE_QPSG`, set in
//! `.cargo/config.toml`): a statement's plan never depends on the values bound to it. Without
//! it, SQLite parses and plans a cached statement again each time a value the plan looked at is
//! bound anew (a value compared with an indexed column that has `ANALYZE` samples, a `LIMIT`, a
//! partial index's condition): 15% of a signed-in page's CPU went into that.
//!
//! The planner still reads its samples for values written into the SQL. So the fixed
//! vocabularies whose rows are skewed (a request's state, priority, service-level state) are
//! written as literals, and so is a partial index's condition, which a bound value no longer
//! matches. Only `&'static str` vocabularies and constants go here, never what a person typed:
//! each combination is one statement text, cached once.

use sea_orm::sea_query::{Expr, ExprTrait, Value};
use sea_orm::ColumnTrait;

/// A constant written into the SQL.
pub fn literal(value: impl Into<Value>) -> Expr {
    Expr::Constant(value.into())
}

/// `column = 'value'`, with the value written into the SQL.
pub fn is<C: ColumnTrait>(column: C, value: &'static str) -> Expr {
    column.into_expr().eq(literal(value))
}

/// `column IN ('a', 'b', …)`, with the values written into the SQL.
pub fn is_one_of<C: ColumnTrait>(
    column: C,
    values: impl IntoIterator<Item = &'static str>,
) -> Expr {
    column.into_expr().is_in(values.into_iter().map(literal))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::request;
    use sea_orm::{DbBackend, EntityTrait, QueryFilter, QueryTrait};

    #[test]
    fn values_are_written_into_the_statement_not_bound() {
        let query = request::Entity::find()
            .filter(is_one_of(request::Column::State, ["open", "it's"]))
            .filter(is(request::Column::Priority, "high"))
            .build(DbBackend::Sqlite);
        assert!(
            query.sql.ends_with(
                r#""requests"."state" IN ('open', 'it''s') AND "requests"."priority" = 'high'"#
            ),
            "{}",
            query.sql
        );
        assert!(
            query.values.as_ref().is_none_or(|v| v.0.is_empty()),
            "{:?}",
            query.values
        );
    }
}
