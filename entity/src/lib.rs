//! sea-orm entities, one module per table. The schema itself lives in `migration/`; these
//! structs only mirror it for queries.

pub mod audit_log;
pub mod billing_events;
pub mod categories;
pub mod comment_messages;
pub mod comments;
pub mod custom_field_values;
pub mod custom_fields;
pub mod daemon_state;
pub mod escalation_rules;
pub mod excluded_topics;
pub mod inbox;
pub mod invites;
pub mod kb_articles;
pub mod kb_links;
pub mod kb_settings;
pub mod keyword_rules;
pub mod kinds;
pub mod leave_requests;
pub mod master_key_check;
pub mod members;
pub mod outbox;
pub mod payments;
pub mod reminders;
pub mod seats;
pub mod sla_policies;
pub mod support_groups;
pub mod tags;
pub mod template_versions;
pub mod templates;
pub mod ticket_messages;
pub mod tickets;
pub mod timers;
pub mod users;
pub mod workspaces;
