//! What the queue shows and in which order: the filters and the sort read from the address, the
//! keyset cursor, and the address that gives the same view back (column links, saved views).
//!
//! Pure, so a link, a saved view and a typed address all mean the same thing: values that make
//! no sense fall back to the default rather than failing, because an address is something people
//! edit and bookmark.

use crate::domain::state::Priority;
use crate::ids::RequestId;
use crate::requests::model::{OwnerFilter, StateFilter};
use serde::{Deserialize, Serialize};

/// The queue's address parameters as they arrive (a link, a form, a saved view).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct QueueQuery {
    pub state: Option<String>,
    pub owner: Option<String>,
    pub team: Option<String>,
    pub priority: Option<String>,
    pub item: Option<String>,
    pub q: Option<String>,
    pub sla: Option<String>,
    pub sort: Option<String>,
    pub before: Option<String>,
}

impl QueueQuery {
    /// Reads an address's query part (`state=active&owner=me`).
    pub fn from_address(query: &str) -> QueueQuery {
        let query = query.split_once('?').map_or(query, |(_, q)| q);
        let mut out = QueueQuery::default();
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            let value = Some(value.into_owned());
            match key.as_ref() {
                "state" => out.state = value,
                "owner" => out.owner = value,
                "team" => out.team = value,
                "priority" => out.priority = value,
                "item" => out.item = value,
                "q" => out.q = value,
                "sla" => out.sla = value,
                "sort" => out.sort = value,
                "before" => out.before = value,
                _ => {}
            }
        }
        out
    }
}

/// The order of the queue. Each is served by an index (see the `requests` indexes).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum QueueSort {
    /// Newest first (the number, descending).
    #[default]
    Newest,
    /// Oldest first: the longest waiting at the top.
    Oldest,
    /// Most recently changed first.
    Updated,
    /// Critical first, newest first within a priority.
    Priority,
    /// Nobody's first, then by owner's name, newest first for each owner.
    Owner,
    /// The nearest SLA due time first (breached first of all), then requests without a
    /// counting clock, newest first.
    Due,
}

impl QueueSort {
    pub const ALL: [QueueSort; 6] = [
        QueueSort::Newest,
        QueueSort::Oldest,
        QueueSort::Updated,
        QueueSort::Priority,
        QueueSort::Owner,
        QueueSort::Due,
    ];

    pub fn as_query(self) -> &'static str {
        match self {
            QueueSort::Newest => "newest",
            QueueSort::Oldest => "oldest",
            QueueSort::Updated => "updated",
            QueueSort::Priority => "priority",
            QueueSort::Owner => "owner",
            QueueSort::Due => "due",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            QueueSort::Newest => "Newest first",
            QueueSort::Oldest => "Oldest first",
            QueueSort::Updated => "Last updated",
            QueueSort::Priority => "Priority",
            QueueSort::Owner => "Owner",
            QueueSort::Due => "Due soonest",
        }
    }

    fn from_query(value: Option<&str>) -> QueueSort {
        QueueSort::ALL
            .into_iter()
            .find(|s| Some(s.as_query()) == value)
            .unwrap_or_default()
    }
}

/// Which team's requests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum TeamFilter {
    #[default]
    Any,
    /// The teams the viewer is a member of.
    Mine,
    One(i64),
}

impl TeamFilter {
    pub fn as_query(self) -> String {
        match self {
            TeamFilter::Any => "any".into(),
            TeamFilter::Mine => "mine".into(),
            TeamFilter::One(id) => id.to_string(),
        }
    }

    fn from_query(value: Option<&str>) -> TeamFilter {
        match value {
            Some("mine") => TeamFilter::Mine,
            Some(id) => id
                .parse()
                .ok()
                .filter(|id| *id > 0)
                .map_or(TeamFilter::Any, TeamFilter::One),
            None => TeamFilter::Any,
        }
    }
}

/// Where the next page continues: after the last row shown, in the sort's own terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cursor {
    /// Newest and oldest: the last number shown.
    Id(i64),
    /// Last updated: the last row's update time (microseconds since 1970) and number.
    Time(i64, i64),
    /// Priority and owner: the last row's group (a priority's rank, an owner's id; 0 for nobody,
    /// -1 for owners outside the viewer's departments) and number.
    Group(i64, i64),
    /// Due soonest: the last row's due time (microseconds since 1970; `None` once past the
    /// requests with a due time) and number.
    Due(Option<i64>, i64),
}

/// Which requests by their service levels.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SlaFilter {
    #[default]
    Any,
    /// A clock is past a warning threshold or breached.
    AtRisk,
    /// A clock breached.
    Breached,
}

impl SlaFilter {
    pub const ALL: [SlaFilter; 3] = [SlaFilter::Any, SlaFilter::AtRisk, SlaFilter::Breached];

    pub fn as_query(self) -> &'static str {
        match self {
            SlaFilter::Any => "any",
            SlaFilter::AtRisk => "at_risk",
            SlaFilter::Breached => "breached",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SlaFilter::Any => "Any",
            SlaFilter::AtRisk => "At risk or breached",
            SlaFilter::Breached => "Breached",
        }
    }

    /// The clock states (`ClockState::as_str`) a request's most urgent clock is in.
    pub fn states(self) -> Option<&'static [&'static str]> {
        match self {
            SlaFilter::Any => None,
            SlaFilter::AtRisk => Some(&["warning", "breached"]),
            SlaFilter::Breached => Some(&["breached"]),
        }
    }

    fn from_query(value: Option<&str>) -> SlaFilter {
        SlaFilter::ALL
            .into_iter()
            .find(|s| Some(s.as_query()) == value)
            .unwrap_or_default()
    }
}

impl Cursor {
    pub fn as_query(self) -> String {
        match self {
            Cursor::Id(id) => id.to_string(),
            Cursor::Time(micros, id) => format!("t{micros}.{id}"),
            Cursor::Group(group, id) => format!("g{group}.{id}"),
            Cursor::Due(Some(micros), id) => format!("d{micros}.{id}"),
            Cursor::Due(None, id) => format!("dn.{id}"),
        }
    }

    /// A cursor that does not fit the sort is ignored: the list starts at the top.
    fn parse(value: &str, sort: QueueSort) -> Option<Cursor> {
        let pair = |rest: &str| -> Option<(i64, i64)> {
            let (a, b) = rest.split_once('.')?;
            Some((a.parse().ok()?, b.parse().ok()?))
        };
        match sort {
            QueueSort::Newest | QueueSort::Oldest => value.parse().ok().map(Cursor::Id),
            QueueSort::Updated => pair(value.strip_prefix('t')?).map(|(t, id)| Cursor::Time(t, id)),
            QueueSort::Priority | QueueSort::Owner => {
                pair(value.strip_prefix('g')?).map(|(g, id)| Cursor::Group(g, id))
            }
            QueueSort::Due => {
                let rest = value.strip_prefix('d')?;
                match rest.strip_prefix("n.") {
                    Some(id) => id.parse().ok().map(|id| Cursor::Due(None, id)),
                    None => pair(rest).map(|(t, id)| Cursor::Due(Some(t), id)),
                }
            }
        }
    }
}

/// What the search box asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Search {
    None,
    /// A request number (`REQ-000123` or `123`): that request, if it is in the queue.
    Number(RequestId),
    /// Every word must be found in the item's name or the requester's name (lower case).
    Words(Vec<String>),
}

/// Most words of a search; more are ignored.
pub const SEARCH_WORDS: usize = 5;
/// Longest search text kept, in characters.
pub const SEARCH_LENGTH: usize = 100;

/// The queue's view, typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QueueFilter {
    pub state: StateFilter,
    pub owner: OwnerFilter,
    pub team: TeamFilter,
    pub priority: Option<Priority>,
    /// A catalog item's id.
    pub item: Option<i64>,
    /// The search text as typed (trimmed, at most [`SEARCH_LENGTH`] characters).
    pub text: String,
    pub sla: SlaFilter,
    pub sort: QueueSort,
    pub cursor: Option<Cursor>,
}

impl QueueFilter {
    pub fn parse(query: &QueueQuery) -> QueueFilter {
        let sort = QueueSort::from_query(query.sort.as_deref());
        QueueFilter {
            state: StateFilter::from_query(query.state.as_deref(), StateFilter::Active),
            owner: OwnerFilter::from_query(query.owner.as_deref()),
            team: TeamFilter::from_query(query.team.as_deref()),
            priority: query.priority.as_deref().and_then(|p| p.parse().ok()),
            item: query
                .item
                .as_deref()
                .and_then(|i| i.parse().ok())
                .filter(|i| *i > 0),
            text: query
                .q
                .as_deref()
                .unwrap_or_default()
                .trim()
                .chars()
                .take(SEARCH_LENGTH)
                .collect(),
            sla: SlaFilter::from_query(query.sla.as_deref()),
            sort,
            cursor: query.before.as_deref().and_then(|c| Cursor::parse(c, sort)),
        }
    }

    pub fn search(&self) -> Search {
        if self.text.is_empty() {
            return Search::None;
        }
        if let Ok(number) = self.text.parse::<RequestId>() {
            return Search::Number(number);
        }
        Search::Words(
            self.text
                .split_whitespace()
                .map(str::to_lowercase)
                .take(SEARCH_WORDS)
                .collect(),
        )
    }

    /// The view's address query (no cursor), leaving out what is the default: for links, the
    /// pager and saved views.
    pub fn query_string(&self) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        let default = QueueFilter::default();
        if self.state != default.state {
            out.append_pair("state", self.state.as_query());
        }
        if self.owner != default.owner {
            out.append_pair("owner", self.owner.as_query());
        }
        if self.team != default.team {
            out.append_pair("team", &self.team.as_query());
        }
        if let Some(priority) = self.priority {
            out.append_pair("priority", priority.as_str());
        }
        if let Some(item) = self.item {
            out.append_pair("item", &item.to_string());
        }
        if !self.text.is_empty() {
            out.append_pair("q", &self.text);
        }
        if self.sla != default.sla {
            out.append_pair("sla", self.sla.as_query());
        }
        if self.sort != default.sort {
            out.append_pair("sort", self.sort.as_query());
        }
        out.finish()
    }

    /// `/queue` with this view.
    pub fn address(&self) -> String {
        let query = self.query_string();
        if query.is_empty() {
            "/queue".into()
        } else {
            format!("/queue?{query}")
        }
    }

    /// The same view in another order, from the top.
    pub fn sorted(&self, sort: QueueSort) -> QueueFilter {
        QueueFilter {
            sort,
            cursor: None,
            ..self.clone()
        }
    }

    /// Whether anything narrows the list (for the empty message).
    pub fn is_narrowed(&self) -> bool {
        let default = QueueFilter::default();
        self.owner != default.owner
            || self.team != default.team
            || self.priority.is_some()
            || self.item.is_some()
            || !self.text.is_empty()
            || self.sla != default.sla
    }
}

/// The views every agent has without saving them.
pub fn built_in_views() -> [(&'static str, QueueFilter); 4] {
    [
        (
            "My open",
            QueueFilter {
                owner: OwnerFilter::Me,
                ..QueueFilter::default()
            },
        ),
        (
            "Unassigned in my teams",
            QueueFilter {
                owner: OwnerFilter::Nobody,
                team: TeamFilter::Mine,
                sort: QueueSort::Oldest,
                ..QueueFilter::default()
            },
        ),
        (
            "Recently updated",
            QueueFilter {
                sort: QueueSort::Updated,
                ..QueueFilter::default()
            },
        ),
        (
            "Due soonest",
            QueueFilter {
                sort: QueueSort::Due,
                ..QueueFilter::default()
            },
        ),
    ]
}

/// The rank of a priority in the priority sort's walk (critical first).
pub fn priority_groups() -> [Priority; 4] {
    [
        Priority::Critical,
        Priority::High,
        Priority::Medium,
        Priority::Low,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::state::RequestState;

    #[test]
    fn a_view_survives_its_own_address() {
        let view = QueueFilter {
            state: StateFilter::One(RequestState::InFulfilment),
            owner: OwnerFilter::Nobody,
            team: TeamFilter::One(4),
            priority: Some(Priority::High),
            item: Some(12),
            text: "anna laptop & co".into(),
            sla: SlaFilter::AtRisk,
            sort: QueueSort::Updated,
            cursor: None,
        };
        let address = view.address();
        assert!(address.starts_with("/queue?state=in_fulfilment&owner=nobody&team=4"));
        assert_eq!(
            QueueFilter::parse(&QueueQuery::from_address(&address)),
            view
        );
        assert_eq!(QueueFilter::default().address(), "/queue");
    }

    #[test]
    fn nonsense_falls_back_to_the_default_and_cursors_fit_their_sort() {
        let query = QueueQuery {
            state: Some("bogus".into()),
            team: Some("-3".into()),
            priority: Some("urgent".into()),
            item: Some("x".into()),
            sort: Some("priority".into()),
            before: Some("t12.5".into()),
            ..QueueQuery::default()
        };
        let view = QueueFilter::parse(&query);
        assert_eq!(view.state, StateFilter::Active);
        assert_eq!(view.team, TeamFilter::Any);
        assert_eq!((view.priority, view.item), (None, None));
        assert_eq!(view.sort, QueueSort::Priority);
        assert_eq!(
            view.cursor, None,
            "a time cursor does not fit the priority sort"
        );
        for (sort, cursor) in [
            (QueueSort::Newest, Cursor::Id(41)),
            (QueueSort::Updated, Cursor::Time(1_733_000_000_000_000, 41)),
            (QueueSort::Owner, Cursor::Group(-1, 41)),
            (QueueSort::Due, Cursor::Due(Some(1_733_000_000_000_000), 41)),
            (QueueSort::Due, Cursor::Due(None, 41)),
        ] {
            let query = QueueQuery {
                sort: Some(sort.as_query().into()),
                before: Some(cursor.as_query()),
                ..QueueQuery::default()
            };
            assert_eq!(QueueFilter::parse(&query).cursor, Some(cursor));
        }
    }

    #[test]
    fn the_search_box_takes_a_number_or_words() {
        let search = |text: &str| {
            QueueFilter {
                text: text.into(),
                ..QueueFilter::default()
            }
            .search()
        };
        assert_eq!(search(""), Search::None);
        assert_eq!(search("REQ-000042"), Search::Number(RequestId(42)));
        assert_eq!(search("42"), Search::Number(RequestId(42)));
        assert_eq!(
            search("Anna  LAPTOP"),
            Search::Words(vec!["anna".into(), "laptop".into()])
        );
        assert_eq!(
            search("a b c d e f g"),
            Search::Words(["a", "b", "c", "d", "e"].map(String::from).to_vec())
        );
    }
}
