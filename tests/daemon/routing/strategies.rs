//! The routing strategies and their inputs: round-robin, least-loaded, skills from the intake
//! pick, capacity and availability, pause/resume, the rotation across a restart, and group
//! overrides and newly filled seats.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{
    assert_waiting, assignees, count, open_settings, private, resolve, set_capacity, set_skills,
    set_strategy, tap, team, workspace,
};
use crate::fake_tg::FakeMessage;
use crate::helpers::*;

// ----- strategies --------------------------------------------------------------------------------

#[tokio::test]
async fn round_robin_over_nine_tickets_gives_three_agents_three_each() {
    let app = spawn_app().await;
    let (owner, chat, agents) = team(&app, &["Ann", "Bob", "Cid"]).await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    set_strategy(&app, &owner, "Round-robin", "round_robin").await;

    let mut threads = Vec::new();
    for i in 1..=9 {
        threads.push(
            app.open_ticket(chat, &customer, &format!("Question {i}"))
                .await,
        );
    }
    let got = assignees(&app, chat, &threads).await;
    let per = count(&got);
    for a in &agents {
        assert_eq!(per.get(&a.id), Some(&3), "{} got {per:?}", a.first_name);
    }
    assert!(!per.contains_key(&owner.id), "the away Owner got tickets");
    // Turns alternate: no agent gets two tickets in a row.
    assert!(got.windows(2).all(|w| w[0] != w[1]), "{got:?}");

    // Each assignee is told privately, with a button to the topic.
    app.settle().await;
    for a in &agents {
        let told: Vec<FakeMessage> = app
            .tg
            .bot_messages_in(a.id, None)
            .into_iter()
            .filter(|m| m.text.contains("was assigned to you by routing"))
            .collect();
        assert_eq!(told.len(), 3, "{}: {told:?}", a.first_name);
        assert!(told.iter().all(|m| m
            .url_buttons()
            .iter()
            .any(|(l, u)| l == "Open topic" && u.contains("t.me/c/"))));
    }
    // The audit says routing did it.
    let t = app.ticket(chat, threads[0]).await;
    let rows = app.audit(t.id).await;
    assert!(
        rows.iter()
            .any(|r| r.action == "ticket.assignee" && r.actor_id.is_none()),
        "{rows:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn least_loaded_sends_new_tickets_to_whoever_resolved_theirs() {
    let app = spawn_app().await;
    let (owner, chat, agents) = team(&app, &["Ann", "Bob"]).await;
    let (ann, bob) = (&agents[0], &agents[1]);
    let customer = app.tg.add_user("Carl", Some("carl"));
    set_strategy(&app, &owner, "Least loaded", "least_loaded").await;

    let mut first = Vec::new();
    for i in 1..=4 {
        first.push(
            app.open_ticket(chat, &customer, &format!("Batch one {i}"))
                .await,
        );
    }
    let got = assignees(&app, chat, &first).await;
    assert_eq!(count(&got).get(&ann.id), Some(&2), "{got:?}");
    assert_eq!(count(&got).get(&bob.id), Some(&2), "{got:?}");

    for (thread, who) in first.iter().zip(&got) {
        if *who == ann.id {
            resolve(&app, ann, chat, *thread).await;
        }
    }
    let mut second = Vec::new();
    for i in 1..=2 {
        second.push(
            app.open_ticket(chat, &customer, &format!("Batch two {i}"))
                .await,
        );
    }
    let got = assignees(&app, chat, &second).await;
    assert_eq!(got, vec![ann.id, ann.id], "Ann holds none, Bob holds two");
    app.stop().await;
}

#[tokio::test]
async fn skill_routing_follows_the_customers_intake_pick_with_and_without_fallback() {
    let app = spawn_app().await;
    let (owner, chat, agents) = team(&app, &["Ann", "Bob"]).await;
    let (ann, bob) = (&agents[0], &agents[1]);
    let customer = app.tg.add_user("Carl", Some("carl"));
    let stranger = app.tg.add_user("Sam", Some("sam"));
    set_strategy(&app, &owner, "By skill", "skill").await;
    set_skills(&app, &owner, ann, "Billing, Refunds").await;

    // A keyword rule on the title gives a skill without any intake question.
    open_settings(&app, &owner, "Intake categories").await;
    tap(&app, &owner, "Keyword rule").await;
    app.wait_private(&owner, "keyword = skill").await;
    app.tg.private_text(&owner, "refund = refunds");
    app.wait_private(&owner, "“refund” → refunds").await;
    let refund = app.open_ticket(chat, &customer, "Refund for order 7").await;
    assert_eq!(assignees(&app, chat, &[refund]).await, vec![ann.id]);
    assert_eq!(
        app.ticket(chat, refund).await.skill.as_deref(),
        Some("refunds")
    );

    // Categories, typed into prompts; a bad one is refused with the expected form.
    tap(&app, &owner, "➕ Category").await;
    app.wait_private(&owner, "name; skill; priority").await;
    app.tg.private_text(&owner, "Billing; billing; sometimes");
    app.wait_private(&owner, "is not a priority").await;
    tap(&app, &owner, "➕ Category").await;
    app.tg.private_text(&owner, "Billing; billing; high");
    app.wait_private(&owner, "Billing — skill: billing").await;
    tap(&app, &owner, "➕ Category").await;
    app.tg.private_text(&owner, "Hardware; hardware");
    app.wait_private(&owner, "Hardware — skill: hardware").await;

    // A new topic asks the customer; routing waits for the pick.
    let billing = app.open_ticket(chat, &customer, "Invoice is wrong").await;
    let question = app
        .wait_bot_message(chat, Some(billing), "What is your request about?")
        .await;
    assert_waiting(&app, chat, billing).await;
    let pick = |label: &str| {
        question
            .buttons()
            .into_iter()
            .find(|(l, _)| l == label)
            .map(|(_, d)| d)
            .expect("category button")
    };
    let (text, alert) = app
        .press(&stranger, chat, question.id, &pick("Billing"))
        .await;
    assert!(alert, "only the customer picks: {text:?}");
    assert_waiting(&app, chat, billing).await;
    app.press(&customer, chat, question.id, &pick("Billing"))
        .await;
    let t = app
        .wait_ticket(chat, billing, "routed to the billing agent", |t| {
            t.assignee_id.is_some()
        })
        .await;
    assert_eq!(
        (t.assignee_id, t.skill.as_deref(), t.priority.as_str()),
        (Some(ann.id), Some("billing"), "high")
    );

    // Nobody has "hardware": with fallback (the default) anyone eligible takes it.
    let hw = app.open_ticket(chat, &customer, "Broken screen").await;
    let q = app
        .wait_bot_message(chat, Some(hw), "What is your request about?")
        .await;
    let data = q
        .buttons()
        .into_iter()
        .find(|(l, _)| l == "Hardware")
        .map(|(_, d)| d)
        .expect("Hardware");
    app.press(&customer, chat, q.id, &data).await;
    assert_eq!(assignees(&app, chat, &[hw]).await, vec![bob.id]);

    // Without fallback it waits.
    open_settings(&app, &owner, "Routing").await;
    tap(&app, &owner, "Skill fallback: turn off").await;
    let hw2 = app.open_ticket(chat, &customer, "Broken keyboard").await;
    let q = app
        .wait_bot_message(chat, Some(hw2), "What is your request about?")
        .await;
    let data = q
        .buttons()
        .into_iter()
        .find(|(l, _)| l == "Hardware")
        .map(|(_, d)| d)
        .expect("Hardware");
    app.press(&customer, chat, q.id, &data).await;
    app.wait_ticket(chat, hw2, "the pick recorded", |t| {
        t.skill.as_deref() == Some("hardware")
    })
    .await;
    assert_waiting(&app, chat, hw2).await;
    // Giving Bob the skill doesn't move it by itself... it does: a skill change is routing input.
    set_skills(&app, &owner, bob, "hardware").await;
    assert_eq!(assignees(&app, chat, &[hw2]).await, vec![bob.id]);

    // A customer who never picks is routed without a skill after the intake timeout (5 min).
    let silent = app.open_ticket(chat, &customer, "Hello?").await;
    app.wait_bot_message(chat, Some(silent), "What is your request about?")
        .await;
    assert_waiting(&app, chat, silent).await;
    app.clock.advance(chrono::Duration::minutes(6));
    let got = assignees(&app, chat, &[silent]).await;
    assert!(got[0] == ann.id || got[0] == bob.id, "{got:?}");

    // Every settings change is audited.
    let ws = app.workspace_of(&owner).await;
    let actions: Vec<String> = entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::WorkspaceId.eq(ws))
        .all(&app.db)
        .await
        .expect("audit")
        .into_iter()
        .map(|r| r.action)
        .collect();
    for want in [
        "settings.routing_strategy",
        "member.skills",
        "settings.keyword_rule_added",
        "settings.category_added",
        "settings.skill_fallback",
        "ticket.category",
    ] {
        assert!(actions.iter().any(|a| a == want), "{want} in {actions:?}");
    }
    app.stop().await;
}

#[tokio::test]
async fn a_full_agent_waits_for_a_resolve_and_away_agents_are_skipped() {
    let app = spawn_app().await;
    let (owner, chat, agents) = team(&app, &["Ann", "Bob"]).await;
    let (ann, bob) = (&agents[0], &agents[1]);
    let customer = app.tg.add_user("Carl", Some("carl"));
    set_strategy(&app, &owner, "Round-robin", "round_robin").await;
    set_capacity(&app, &owner, ann, 1).await;
    private(&app, bob, "/away", "You are away").await;

    let first = app.open_ticket(chat, &customer, "First").await;
    assert_eq!(assignees(&app, chat, &[first]).await, vec![ann.id]);
    // Ann is full and Bob is away: the next ticket waits.
    let second = app.open_ticket(chat, &customer, "Second").await;
    assert_waiting(&app, chat, second).await;
    // Ann resolves: her slot frees and the waiting ticket is hers at once.
    resolve(&app, ann, chat, first).await;
    assert_eq!(assignees(&app, chat, &[second]).await, vec![ann.id]);
    // Another one waits until Bob is back.
    let third = app.open_ticket(chat, &customer, "Third").await;
    assert_waiting(&app, chat, third).await;
    private(&app, bob, "/available", "You are available").await;
    assert_eq!(assignees(&app, chat, &[third]).await, vec![bob.id]);
    app.stop().await;
}

#[tokio::test]
async fn paused_distribution_holds_tickets_and_resuming_assigns_urgent_first() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    set_strategy(&app, &owner, "Round-robin", "round_robin").await;
    set_capacity(&app, &owner, &owner, 1).await;
    open_settings(&app, &owner, "Routing").await;
    tap(&app, &owner, "Pause distribution").await;

    let older = app.open_ticket(chat, &customer, "Older, normal").await;
    let urgent = app.open_ticket(chat, &customer, "Newer, urgent").await;
    let (card, menu) = app.card_button(chat, urgent, "Priority").await;
    app.press(&owner, chat, card, &menu).await;
    let (card, data) = app.card_button(chat, urgent, "urgent").await;
    app.press(&owner, chat, card, &data).await;
    app.wait_ticket(chat, urgent, "urgent", |t| t.priority == "urgent")
        .await;
    assert_waiting(&app, chat, older).await;
    assert_waiting(&app, chat, urgent).await;

    tap(&app, &owner, "Resume distribution").await;
    // One slot: the urgent ticket goes first although it is newer.
    assert_eq!(assignees(&app, chat, &[urgent]).await, vec![owner.id]);
    assert_waiting(&app, chat, older).await;
    let ws = app.workspace_of(&owner).await;
    assert!(!workspace(&app, ws).await.routing_paused);
    app.stop().await;
}

#[tokio::test]
async fn a_restart_keeps_the_rotation() {
    let app = spawn_app().await;
    let (owner, chat, agents) = team(&app, &["Ann", "Bob", "Cid"]).await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    set_strategy(&app, &owner, "Round-robin", "round_robin").await;
    let one = app.open_ticket(chat, &customer, "One").await;
    let two = app.open_ticket(chat, &customer, "Two").await;
    let before = assignees(&app, chat, &[one, two]).await;
    app.settle().await;

    let (tg, database) = app.stop().await;
    let app = spawn_app_with(tg, database).await;
    let three = app.open_ticket(chat, &customer, "Three").await;
    let after = assignees(&app, chat, &[three]).await;
    let third = agents
        .iter()
        .find(|a| !before.contains(&a.id))
        .expect("an agent without a ticket");
    assert_eq!(after, vec![third.id], "rotation went on where it stopped");
    app.stop().await;
}

#[tokio::test]
async fn a_group_override_and_a_newly_filled_seat_are_routing_input() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let vip = app.connected_forum(&owner, "VIP Desk").await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    set_strategy(&app, &owner, "Round-robin", "round_robin").await;
    // The VIP group is handled by hand: its override is Manual.
    tap(&app, &owner, "VIP Desk: → Manual").await;
    let group = entity::support_groups::Entity::find_by_id(vip)
        .one(&app.db)
        .await
        .expect("query")
        .expect("group");
    assert_eq!(group.routing_strategy.as_deref(), Some("manual"));

    let by_hand = app.open_ticket(vip, &customer, "VIP question").await;
    let routed = app.open_ticket(chat, &customer, "Normal question").await;
    assert_eq!(assignees(&app, chat, &[routed]).await, vec![owner.id]);
    assert_waiting(&app, vip, by_hand).await;

    // With the Owner away, a ticket waits until a new teammate fills a seat.
    private(&app, &owner, "/away", "You are away").await;
    let next = app.open_ticket(chat, &customer, "Who takes this?").await;
    assert_waiting(&app, chat, next).await;
    let ws = app.workspace_of(&owner).await;
    app.grant_seats(ws, 1, 0).await;
    let ann = app.invite_agent(&owner, "Ann", false).await;
    assert_eq!(assignees(&app, chat, &[next]).await, vec![ann.id]);
    assert_waiting(&app, vip, by_hand).await;
    app.stop().await;
}
