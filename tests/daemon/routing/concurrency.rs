//! Two tickets racing for an agent's last slot, on two independent database connections.

use std::sync::Arc;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use topicdesk::app::{tickets, Ctx};
use topicdesk::store::users::Profile;

use super::{resolve, set_capacity, set_strategy};
use crate::helpers::*;

// ----- concurrency ---------------------------------------------------------------------------

/// Two topics created at the same moment, handled by two independent connections (as two
/// replicas would), race for the only agent's last slot: exactly one gets it.
#[tokio::test]
async fn two_tickets_arriving_together_never_both_take_the_last_slot() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    set_strategy(&app, &owner, "Least loaded", "least_loaded").await;
    set_capacity(&app, &owner, &owner, 1).await;
    app.settle().await;

    let replica = || async {
        let db = topicdesk::store::connect(&app.database.url)
            .await
            .expect("replica connection");
        topicdesk::app::context(db, Arc::new(app.clock.clone()))
    };
    let (a, b) = (replica().await, replica().await);
    let carl = app.tg.add_user("Carl", Some("carl"));
    let customer = Profile {
        id: carl.id,
        first_name: carl.first_name.clone(),
        last_name: None,
        username: carl.username.clone(),
    };
    for round in 0..3 {
        // Topics exist in Telegram, but the daemon hears of them only through the two replicas.
        let ta = app.tg.create_topic_silently(chat, &carl, "Race");
        let tb = app.tg.create_topic_silently(chat, &carl, "Race");
        let create = |ctx: &Ctx, thread: i32| {
            let ctx = ctx.clone();
            let customer = customer.clone();
            async move {
                // A replica whose transaction lost a race retries, as the inbox does.
                for _ in 0..20 {
                    let res = tickets::topic_created(
                        &ctx,
                        topicdesk::app::Origin::Internal,
                        chat,
                        thread,
                        "Race",
                        &customer,
                    )
                    .await;
                    if res.is_ok() {
                        return;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                }
                panic!("topic {thread} was never created");
            }
        };
        tokio::join!(create(&a, ta), create(&b, tb));
        let held: Vec<entity::tickets::Model> = entity::tickets::Entity::find()
            .filter(entity::tickets::Column::AssigneeId.eq(owner.id))
            .filter(entity::tickets::Column::Status.is_in(["assigned", "in_progress", "pending"]))
            .all(&app.db)
            .await
            .expect("query");
        assert_eq!(held.len(), 1, "round {round}: {held:?}");
        // Free the slot through the daemon: the other ticket takes it at once.
        let held = &held[0];
        resolve(&app, &owner, chat, held.thread_id).await;
        // The other one takes the freed slot.
        let other = if held.thread_id == ta { tb } else { ta };
        app.wait_ticket(chat, other, "the waiting one takes the freed slot", |t| {
            t.assignee_id == Some(owner.id)
        })
        .await;
        resolve(&app, &owner, chat, other).await;
    }
    let numbers: Vec<i64> = app.tickets().await.iter().map(|t| t.number).collect();
    assert_eq!(numbers, (1..=6).collect::<Vec<_>>(), "gapless numbers");
    app.stop().await;
}
