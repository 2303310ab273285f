//! The typed columns of `entity::kinds` mapped to the domain's enums, both ways. The two are
//! kept apart on purpose: the domain knows no database, and the column types say exactly what
//! the database may hold.

use entity::kinds::{MemberRole, SeatTier, TicketPriority, TicketStatus};

use crate::domain::seats::Tier;
use crate::domain::team::Role;
use crate::domain::ticket::{Priority, Status};

/// One `From` each way for a column enum and its domain enum, variant by variant.
macro_rules! both_ways {
    ($column:ident <-> $domain:ident { $($variant:ident),+ $(,)? }) => {
        impl From<$column> for $domain {
            fn from(c: $column) -> Self {
                match c {
                    $($column::$variant => $domain::$variant,)+
                }
            }
        }

        impl From<$domain> for $column {
            fn from(d: $domain) -> Self {
                match d {
                    $($domain::$variant => $column::$variant,)+
                }
            }
        }
    };
}

both_ways!(TicketStatus <-> Status { Open, Assigned, InProgress, Pending, Resolved, Closed });
both_ways!(TicketPriority <-> Priority { Low, Normal, High, Urgent });
both_ways!(MemberRole <-> Role { Member, Admin, Owner });
both_ways!(SeatTier <-> Tier { Basic, Pro });

#[cfg(test)]
mod tests {
    use migration::MigratorTrait;
    use sea_orm::{ConnectionTrait, EntityTrait};

    /// A status the code does not know (a newer version wrote it, or a hand edit) must stop the
    /// read, not turn into `open` and send the ticket back to the queue.
    #[tokio::test]
    async fn an_unknown_stored_status_is_an_error_not_a_default() {
        let db = super::super::connect("sqlite::memory:")
            .await
            .expect("in-memory database");
        migration::Migrator::up(&db, None)
            .await
            .expect("migrations");
        db.execute_unprepared(
            "INSERT INTO tickets (workspace_id, number, chat_id, thread_id, subject, customer_id, \
             status, priority, topic_renamed, created_at, updated_at, unassigned_alerted, \
             resolution_used_secs, sla_fired, escalation_level, escalated_unassigned) \
             VALUES (1, 1, -1001, 7, 's', 5, 'archived', 'normal', false, \
             '2026-01-01 00:00:00', '2026-01-01 00:00:00', false, 0, 0, 0, 0)",
        )
        .await
        .expect("a row written by hand");
        let read = entity::tickets::Entity::find().all(&db).await;
        assert!(read.is_err(), "read {read:?}");
        db.execute_unprepared("UPDATE tickets SET status = 'pending'")
            .await
            .expect("the row fixed by hand");
        let t = entity::tickets::Entity::find()
            .one(&db)
            .await
            .expect("a known status reads")
            .expect("the row");
        assert_eq!(
            crate::domain::ticket::Status::from(t.status),
            crate::domain::ticket::Status::Pending
        );
    }
}
