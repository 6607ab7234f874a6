//! Who is signed in, and what they may do.

use serde::{Deserialize, Serialize};
use std::str::FromStr;

pub use crate::ids::{DepartmentId, UserId};

/// The roles Atrium knows. Agent and department admin are granted per department.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Employee,
    Agent,
    DepartmentAdmin,
    Leadership,
    SystemAdmin,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Employee,
        Role::Agent,
        Role::DepartmentAdmin,
        Role::Leadership,
        Role::SystemAdmin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Employee => "employee",
            Role::Agent => "agent",
            Role::DepartmentAdmin => "department_admin",
            Role::Leadership => "leadership",
            Role::SystemAdmin => "system_admin",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Employee => "Employee",
            Role::Agent => "Agent",
            Role::DepartmentAdmin => "Department admin",
            Role::Leadership => "Leadership",
            Role::SystemAdmin => "System admin",
        }
    }

    /// Whether a grant of this role names a department.
    pub fn is_department_scoped(self) -> bool {
        matches!(self, Role::Agent | Role::DepartmentAdmin)
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("“{s}” is not a role."))
    }
}

/// The account page: who the signed-in person is, and their open sessions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountView {
    pub name: String,
    pub email: String,
    pub department: String,
    /// Role names as people read them.
    pub roles: Vec<String>,
    /// Sessions open on any device, this one included.
    pub sessions: u64,
    /// The zone they read times in now.
    pub time_zone: String,
    /// Their own choice of zone; `None`: their department's calendar's.
    pub chosen_zone: Option<String>,
    /// Every zone there is to choose (IANA names).
    pub zones: Vec<String>,
}

/// One role held by a user, possibly scoped to a department.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleGrant {
    pub role: Role,
    pub department: Option<DepartmentId>,
}

/// The signed-in user as every page and server function sees them. Contains no secrets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SessionUser {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub department: DepartmentId,
    pub grants: Vec<RoleGrant>,
    /// The IANA zone they read times in: their own choice, else their department's default
    /// calendar's, else UTC.
    #[serde(default = "utc")]
    pub time_zone: String,
}

fn utc() -> String {
    "UTC".into()
}

impl SessionUser {
    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }

    /// Departments whose requests this user works on (agent or department admin there).
    pub fn agent_departments(&self) -> Vec<DepartmentId> {
        let mut ids: Vec<DepartmentId> = self
            .grants
            .iter()
            .filter(|g| matches!(g.role, Role::Agent | Role::DepartmentAdmin))
            .filter_map(|g| g.department)
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }

    /// Whether this user sees every department's requests (read-only for leadership).
    pub fn sees_all_requests(&self) -> bool {
        self.has_role(Role::SystemAdmin) || self.has_role(Role::Leadership)
    }

    /// Whether this user may work on (change, comment internally on) a department's requests.
    pub fn works_in(&self, department: DepartmentId) -> bool {
        self.has_role(Role::SystemAdmin) || self.agent_departments().contains(&department)
    }

    /// Whether this user designs some department's catalog.
    pub fn is_catalog_admin(&self) -> bool {
        self.has_role(Role::SystemAdmin) || self.has_role(Role::DepartmentAdmin)
    }

    /// Departments this user administers (department admin there).
    pub fn administered_departments(&self) -> Vec<DepartmentId> {
        self.grants
            .iter()
            .filter(|g| g.role == Role::DepartmentAdmin)
            .filter_map(|g| g.department)
            .collect()
    }

    /// Whether this user administers the department (its admin, or a system admin).
    pub fn administers(&self, department: DepartmentId) -> bool {
        self.has_role(Role::SystemAdmin) || self.administered_departments().contains(&department)
    }

    /// Whether this user has a work queue at all.
    pub fn is_agent(&self) -> bool {
        self.has_role(Role::SystemAdmin) || !self.agent_departments().is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(grants: Vec<RoleGrant>) -> SessionUser {
        SessionUser {
            id: UserId(1),
            name: "A".into(),
            email: "a@example.com".into(),
            department: DepartmentId(1),
            grants,
            time_zone: "UTC".into(),
        }
    }

    #[test]
    fn agents_work_only_in_their_departments() {
        let u = user(vec![
            RoleGrant {
                role: Role::Employee,
                department: None,
            },
            RoleGrant {
                role: Role::Agent,
                department: Some(DepartmentId(2)),
            },
        ]);
        assert!(u.works_in(DepartmentId(2)));
        assert!(!u.works_in(DepartmentId(3)));
        assert!(u.is_agent());
        assert!(!u.sees_all_requests());
    }

    #[test]
    fn employees_have_no_queue_and_leadership_reads_all() {
        let employee = user(vec![RoleGrant {
            role: Role::Employee,
            department: None,
        }]);
        assert!(!employee.is_agent());
        let leader = user(vec![RoleGrant {
            role: Role::Leadership,
            department: None,
        }]);
        assert!(leader.sees_all_requests());
        assert!(!leader.works_in(DepartmentId(1)));
    }

    #[test]
    fn role_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
    }
}
