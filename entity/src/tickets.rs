//! A ticket: one forum topic, its lifecycle state and timestamps.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tickets")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub workspace_id: i64,
    pub number: i64,
    pub chat_id: i64,
    pub thread_id: i32,
    pub subject: String,
    pub customer_id: i64,
    pub status: crate::kinds::TicketStatus,
    pub priority: crate::kinds::TicketPriority,
    pub assignee_id: Option<i64>,
    pub card_message_id: Option<i32>,
    pub topic_renamed: bool,
    pub topic_deleted_at: Option<DateTimeUtc>,
    pub csat_score: Option<i16>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub first_response_at: Option<DateTimeUtc>,
    pub resolved_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    pub last_customer_message_at: Option<DateTimeUtc>,
    /// Lower-cased skill from the intake category or a keyword rule, for skill routing.
    pub skill: Option<String>,
    pub category_id: Option<i64>,
    /// Set while the category buttons await the customer's pick: routing waits until then.
    pub intake_until: Option<DateTimeUtc>,
    /// The staff chat was told this ticket is waiting unassigned (once per wait).
    pub unassigned_alerted: bool,
    /// When the first agent answer is due (SLA); none without a policy or once answered.
    pub first_response_due: Option<DateTimeUtc>,
    /// When resolution is due while the clock runs; none while pending, resolved or closed.
    pub resolution_due: Option<DateTimeUtc>,
    /// Working seconds of resolution time used in earlier runs of the clock (before a pause).
    pub resolution_used_secs: i64,
    /// Start of the current run of the resolution clock; none while it is stopped.
    pub resolution_since: Option<DateTimeUtc>,
    /// Which SLA alerts already fired (bits of `app::sla::Fired`), so each fires once.
    pub sla_fired: i32,
    pub escalation_level: i32,
    /// Since when the ticket waits without an assignee (for "unassigned for N minutes" rules).
    pub waiting_since: Option<DateTimeUtc>,
    /// The largest "unassigned for N minutes" threshold already acted on in this wait.
    pub escalated_unassigned: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
