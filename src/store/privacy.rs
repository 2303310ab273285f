//! What is stored about one person, for `/mydata` (SPEC §11): their profile, memberships and
//! seats, the tickets they opened, their messages, the comments and audit rows they wrote, and
//! their reminders. Each list is bounded by [`MAX_ROWS`].

use entity::{audit_log, comments, members, reminders, seats, ticket_messages, tickets, users};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

/// The most rows of one kind a `/mydata` file holds (the newest are left out past it).
pub const MAX_ROWS: u64 = 50_000;

/// Everything stored about one person.
#[derive(Debug, Clone, Default)]
pub struct PersonData {
    pub profile: Option<users::Model>,
    pub memberships: Vec<(
        members::Model,
        Option<entity::workspaces::Model>,
        Option<seats::Model>,
    )>,
    pub tickets_opened: Vec<tickets::Model>,
    pub messages: Vec<ticket_messages::Model>,
    pub comments: Vec<comments::Model>,
    pub audit: Vec<audit_log::Model>,
    pub reminders: Vec<reminders::Model>,
}

pub async fn person<C: ConnectionTrait>(db: &C, user: i64) -> Result<PersonData, DbErr> {
    let profile = users::Entity::find_by_id(user).one(db).await?;
    let mut memberships = Vec::new();
    for m in members::Entity::find()
        .filter(members::Column::UserId.eq(user))
        .order_by_asc(members::Column::Id)
        .all(db)
        .await?
    {
        let ws = entity::workspaces::Entity::find_by_id(m.workspace_id)
            .one(db)
            .await?;
        let seat = match m.seat_id {
            Some(id) => seats::Entity::find_by_id(id).one(db).await?,
            None => None,
        };
        memberships.push((m, ws, seat));
    }
    Ok(PersonData {
        profile,
        memberships,
        tickets_opened: tickets::Entity::find()
            .filter(tickets::Column::CustomerId.eq(user))
            .order_by_asc(tickets::Column::Id)
            .limit(MAX_ROWS)
            .all(db)
            .await?,
        messages: ticket_messages::Entity::find()
            .filter(ticket_messages::Column::SenderId.eq(user))
            .order_by_asc(ticket_messages::Column::Id)
            .limit(MAX_ROWS)
            .all(db)
            .await?,
        comments: comments::Entity::find()
            .filter(comments::Column::AuthorId.eq(user))
            .order_by_asc(comments::Column::Id)
            .limit(MAX_ROWS)
            .all(db)
            .await?,
        audit: audit_log::Entity::find()
            .filter(audit_log::Column::ActorKind.eq("user"))
            .filter(audit_log::Column::ActorId.eq(user))
            .order_by_asc(audit_log::Column::Id)
            .limit(MAX_ROWS)
            .all(db)
            .await?,
        reminders: reminders::Entity::find()
            .filter(reminders::Column::UserId.eq(user))
            .order_by_asc(reminders::Column::Id)
            .limit(MAX_ROWS)
            .all(db)
            .await?,
    })
}
