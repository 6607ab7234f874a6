//! Schema migrations. They run automatically at start-up; each file makes one change and can be
//! undone. Demo data is not a migration: see the server's `seed` module.

pub use sea_orm_migration::prelude::*;

mod m20261121_000001_create_departments;
mod m20261121_000002_create_users;
mod m20261121_000003_create_role_grants;
mod m20261121_000004_create_teams;
mod m20261121_000005_create_team_members;
mod m20261121_000006_create_categories;
mod m20261121_000007_create_catalog_items;
mod m20261121_000008_create_item_versions;
mod m20261121_000009_create_requests;
mod m20261121_000010_create_request_events;
mod m20261121_000011_create_comments;
mod m20261121_000012_create_sessions;
mod m20261121_000013_add_audience_to_catalog_items;
mod m20261121_000014_create_item_drafts;
mod m20261121_000015_create_login_failures;
mod m20261121_000016_create_attachments;
mod m20261121_000017_create_approvals;
mod m20261121_000018_create_tasks;
mod m20261121_000019_create_notifications;
mod m20261121_000020_add_approval_timeouts;
mod m20261121_000021_create_audit_log;
mod m20261121_000022_add_comment_attachments;
mod m20261201_000023_add_event_notes;
mod m20261201_000024_harden_sessions;
mod m20261201_000025_create_login_throttles;
mod m20261202_000026_index_uploads_by_person;
mod m20261202_000027_create_catalog_generation;
mod m20261205_000028_workspace_columns;
mod m20261205_000029_create_queue_views;
mod m20261205_000030_add_on_behalf_to_requests;
mod m20261205_000031_create_request_links;
mod m20261205_000032_add_location_to_users;
mod m20261205_000033_create_reply_templates;
mod m20261205_000034_add_mail_choices;
mod m20261205_000035_create_calendars;
mod m20261205_000036_index_requests_for_person;
mod m20261205_000037_create_request_clocks;
mod m20261205_000038_add_sla_to_requests;
mod m20261205_000039_add_time_zone_to_users;
mod m20261205_000040_add_zone_to_calendars;
mod m20261205_000041_add_recompute_to_calendars;
mod m20261205_000042_create_metric_days;
mod m20261205_000043_index_open_metric_days;
mod m20261205_000044_create_metric_department_days;
mod m20261205_000045_create_request_facts;
mod m20261205_000046_move_facts_to_requests;
mod m20261206_000047_key_metric_days;
mod m20261206_000048_create_metric_rollup_triggers;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261121_000001_create_departments::Migration),
            Box::new(m20261121_000002_create_users::Migration),
            Box::new(m20261121_000003_create_role_grants::Migration),
            Box::new(m20261121_000004_create_teams::Migration),
            Box::new(m20261121_000005_create_team_members::Migration),
            Box::new(m20261121_000006_create_categories::Migration),
            Box::new(m20261121_000007_create_catalog_items::Migration),
            Box::new(m20261121_000008_create_item_versions::Migration),
            Box::new(m20261121_000009_create_requests::Migration),
            Box::new(m20261121_000010_create_request_events::Migration),
            Box::new(m20261121_000011_create_comments::Migration),
            Box::new(m20261121_000012_create_sessions::Migration),
            Box::new(m20261121_000013_add_audience_to_catalog_items::Migration),
            Box::new(m20261121_000014_create_item_drafts::Migration),
            Box::new(m20261121_000015_create_login_failures::Migration),
            Box::new(m20261121_000016_create_attachments::Migration),
            Box::new(m20261121_000017_create_approvals::Migration),
            Box::new(m20261121_000018_create_tasks::Migration),
            Box::new(m20261121_000019_create_notifications::Migration),
            Box::new(m20261121_000020_add_approval_timeouts::Migration),
            Box::new(m20261121_000021_create_audit_log::Migration),
            Box::new(m20261121_000022_add_comment_attachments::Migration),
            Box::new(m20261201_000023_add_event_notes::Migration),
            Box::new(m20261201_000024_harden_sessions::Migration),
            Box::new(m20261201_000025_create_login_throttles::Migration),
            Box::new(m20261202_000026_index_uploads_by_person::Migration),
            Box::new(m20261202_000027_create_catalog_generation::Migration),
            Box::new(m20261205_000028_workspace_columns::Migration),
            Box::new(m20261205_000029_create_queue_views::Migration),
            Box::new(m20261205_000030_add_on_behalf_to_requests::Migration),
            Box::new(m20261205_000031_create_request_links::Migration),
            Box::new(m20261205_000032_add_location_to_users::Migration),
            Box::new(m20261205_000033_create_reply_templates::Migration),
            Box::new(m20261205_000034_add_mail_choices::Migration),
            Box::new(m20261205_000035_create_calendars::Migration),
            Box::new(m20261205_000036_index_requests_for_person::Migration),
            Box::new(m20261205_000037_create_request_clocks::Migration),
            Box::new(m20261205_000038_add_sla_to_requests::Migration),
            Box::new(m20261205_000039_add_time_zone_to_users::Migration),
            Box::new(m20261205_000040_add_zone_to_calendars::Migration),
            Box::new(m20261205_000041_add_recompute_to_calendars::Migration),
            Box::new(m20261205_000042_create_metric_days::Migration),
            Box::new(m20261205_000043_index_open_metric_days::Migration),
            Box::new(m20261205_000044_create_metric_department_days::Migration),
            Box::new(m20261205_000045_create_request_facts::Migration),
            Box::new(m20261205_000046_move_facts_to_requests::Migration),
            Box::new(m20261206_000047_key_metric_days::Migration),
            Box::new(m20261206_000048_create_metric_rollup_triggers::Migration),
        ]
    }
}
