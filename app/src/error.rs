//! One error type for the whole application, carried unchanged from server to browser.

use crate::domain::form::{FieldErrors, RawAnswers};
use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// Everything that can go wrong, as a user is allowed to see it. Internal details are logged on
/// the server and never put in here.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Please sign in to continue.")]
    Unauthenticated,
    #[error("You do not have access to this.")]
    Forbidden,
    #[error("{0} was not found.")]
    NotFound(String),
    /// The form had mistakes. `answers` echoes what was submitted so that a form posted without
    /// JavaScript can be shown again with nothing lost.
    #[error("Some answers need attention.")]
    InvalidForm {
        errors: FieldErrors,
        answers: RawAnswers,
    },
    #[error("{0}")]
    BadRequest(String),
    /// The caller may not do this, and may be told why (e.g. who an item is for).
    #[error("{0}")]
    NotAllowed(String),
    /// A form definition that cannot be saved, with every problem found.
    #[error("The form definition has {} problem(s).", .0.len())]
    InvalidDefinition(Vec<crate::domain::rules::DefinitionError>),
    /// Someone else changed the record first (optimistic concurrency), or the change is not
    /// allowed in the record's current state.
    #[error("{0}")]
    Conflict(String),
    /// Too many attempts (sign-in throttling, a busy server); the message says when to retry.
    #[error("{0}")]
    TooManyRequests(String),
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    /// Transport-level failures (network down, malformed call) reported by the server-fn layer.
    #[error("{0}")]
    Transport(String),
}

impl AppError {
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::Unauthenticated => 401,
            AppError::Forbidden | AppError::NotAllowed(_) => 403,
            AppError::NotFound(_) => 404,
            AppError::InvalidForm { .. }
            | AppError::BadRequest(_)
            | AppError::InvalidDefinition(_) => 422,
            AppError::Conflict(_) => 409,
            AppError::TooManyRequests(_) => 429,
            AppError::Internal => 500,
            AppError::Transport(_) => 400,
        }
    }

    /// The errors of individual form fields, if this is a form error.
    pub fn field_errors(&self) -> Option<&FieldErrors> {
        match self {
            AppError::InvalidForm { errors, .. } => Some(errors),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // The parser's message quotes what was sent: it is logged (escaped), not echoed.
            ServerFnErrorErr::Args(_message) | ServerFnErrorErr::Deserialization(_message) => {
                #[cfg(feature = "ssr")]
                {
                    let message: String = _message
                        .chars()
                        .take(300)
                        .flat_map(char::escape_debug)
                        .collect();
                    tracing::info!(%message, "a call's data could not be read");
                }
                AppError::BadRequest(
                    "The submitted data could not be read: reload the page and try again.".into(),
                )
            }
            other => AppError::Transport(other.to_string()),
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// Logs an internal failure with its context and returns the safe error people see.
#[cfg(feature = "ssr")]
pub fn internal(context: &str, error: impl std::fmt::Display) -> AppError {
    tracing::error!(%error, "{context} failed");
    AppError::Internal
}

/// Something that must be there (the row another row points to, the stage a vote names) is
/// not: a broken invariant, logged with what was missing, and shown as an internal error.
#[cfg(feature = "ssr")]
pub fn missing(what: impl std::fmt::Display) -> AppError {
    tracing::error!("{what} is missing");
    AppError::Internal
}

/// A record that is not there is "not found"; any other database failure is logged and shown
/// as an internal error.
#[cfg(feature = "ssr")]
impl From<sea_orm::DbErr> for AppError {
    fn from(error: sea_orm::DbErr) -> Self {
        match error {
            sea_orm::DbErr::RecordNotFound(what) => AppError::NotFound(what),
            other => internal("a database call", other),
        }
    }
}
