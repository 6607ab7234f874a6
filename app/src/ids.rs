//! Typed ids shared by entities' users, wire types and pages: the bottom layer, importing
//! nothing of the crate.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A user's id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct UserId(pub i64);

/// A department's id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DepartmentId(pub i64);

/// A request's id. People see it as a number like `REQ-000123`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RequestId(pub i64);

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "REQ-{:06}", self.0)
    }
}

impl FromStr for RequestId {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let digits = s.trim().to_ascii_uppercase();
        let digits = digits.strip_prefix("REQ-").unwrap_or(&digits);
        digits
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .map(RequestId)
            .ok_or_else(|| format!("“{s}” is not a request number."))
    }
}
